import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar } from '../support/cookie-jar.ts';
import { csrfHeaders, SPA_ORIGIN, startHarness, type Harness } from '../support/harness.ts';

/**
 * Every place the BFF sends a browser somewhere picks the SPA origin from the allowlist (RFC 9700 §4.11.1):
 * the return address after sign-in, the failure redirect, the provider-unavailable redirect and the
 * post-logout redirect. Origin and Referer may choose *among* the allowed origins, never outside them.
 */
const SECOND = 'https://app.example.com';
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { SPA_ORIGINS: `${SPA_ORIGIN},${SECOND}` } });
});
afterAll(async () => {
  await h.close();
});

const LOOKALIKES = [
  'https://evil.example',
  'https://evil.example/page',
  `${SPA_ORIGIN}.evil.example`,
  `http://localhost:5173@evil.example`,
  `${SECOND}.evil.example/`,
  'https://app.example.com:8443',
  'http://app.example.com',
  'https://app-example.com',
  'https://xn--pp-example-7za.com',
  'null',
  'javascript:alert(1)',
  'file:///etc/passwd',
  '//evil.example',
  'not a url',
];

async function storedReturnTo(headers: Record<string, string>, query = ''): Promise<string> {
  const login = await h.request(`/auth/login${query}`, { headers });
  const state = new URL(login.headers.get('location')!).searchParams.get('state')!;
  return (await h.deps.store.takeTransaction(state))!.returnTo;
}

describe('the return address after sign-in', () => {
  it.each(LOOKALIKES)('ignores a Referer of %j and uses the first SPA origin', async (referer) => {
    expect(await storedReturnTo({ referer }, '?returnTo=/dashboard')).toBe(`${SPA_ORIGIN}/dashboard`);
  });

  it.each(LOOKALIKES)('ignores an Origin of %j', async (origin) => {
    expect(await storedReturnTo({ origin })).toBe(`${SPA_ORIGIN}/`);
  });

  it('lets Origin or Referer choose another allowed SPA origin', async () => {
    expect(await storedReturnTo({ referer: `${SECOND}/settings?x=1` })).toBe(`${SECOND}/`);
    expect(await storedReturnTo({ origin: SECOND })).toBe(`${SECOND}/`);
    // A foreign Origin does not unlock a Referer that names an allowed origin's lookalike.
    expect(await storedReturnTo({ origin: 'https://evil.example', referer: `${SECOND}.evil.example/` })).toBe(
      `${SPA_ORIGIN}/`,
    );
  });
});

describe('the failure redirect', () => {
  it('goes to the SPA origin the login started from, never to the Referer of the callback', async () => {
    const jar = new CookieJar();
    const login = await h.request('/auth/login', { jar, headers: { referer: `${SECOND}/x` } });
    const state = new URL(login.headers.get('location')!).searchParams.get('state')!;
    const callback = await h.request(
      `/auth/callback?${new URLSearchParams({ error: 'access_denied', state, iss: h.idp.issuer })}`,
      {
        jar,
        headers: { referer: 'https://evil.example/', origin: 'https://evil.example' },
      },
    );
    expect(callback.headers.get('location')).toBe(`${SECOND}/?error=access_denied`);
  });

  it('never leaves the allowed origins, whatever the headers of login and callback (property)', async () => {
    const header = fc.oneof(fc.constantFrom(...LOOKALIKES, SPA_ORIGIN, SECOND), fc.webUrl());
    await fc.assert(
      fc.asyncProperty(header, header, async (atLogin, atCallback) => {
        const jar = new CookieJar();
        const login = await h.request('/auth/login', { jar, headers: { referer: atLogin } });
        const state = new URL(login.headers.get('location')!).searchParams.get('state')!;
        const callback = await h.request(`/auth/callback?${new URLSearchParams({ error: 'x', state })}`, {
          jar,
          headers: { referer: atCallback },
        });
        expect([SPA_ORIGIN, SECOND]).toContain(new URL(callback.headers.get('location')!).origin);
      }),
      { numRuns: 60 },
    );
  });
});

describe('the post-logout redirect', () => {
  const logout = (headers: Record<string, string>) =>
    h.request('/auth/logout', { method: 'POST', headers: { ...csrfHeaders, ...headers } });

  it('cannot be steered by a foreign Referer or Origin: refused before anything happens', async () => {
    for (const value of ['https://evil.example', 'https://app.example.com.evil.example', 'null']) {
      expect((await logout({ referer: `${value}/` })).status).toBe(403);
      expect((await logout({ origin: value })).status).toBe(403);
    }
  });

  it('answers the allowed origin the request came from, else the first one', async () => {
    expect(await (await logout({ origin: SECOND })).json()).toEqual({ redirectTo: `${SECOND}/` });
    expect(await (await logout({ referer: `${SECOND}/sessions` })).json()).toEqual({
      redirectTo: `${SECOND}/`,
    });
    expect(await (await logout({})).json()).toEqual({ redirectTo: `${SPA_ORIGIN}/` });
  });

  it('puts only an allowed origin into post_logout_redirect_uri (property)', async () => {
    const allowed = [SPA_ORIGIN, SECOND];
    const originOf = (value: string): string => {
      try {
        return new URL(value).origin;
      } catch {
        return 'null';
      }
    };
    /** The model: the SPA origin the logout must send the browser to, or null for a 403. */
    const expected = (origin: string | null, referer: string | null): string | null => {
      if (origin) return allowed.includes(origin) ? origin : null;
      if (referer) return allowed.includes(originOf(referer)) ? originOf(referer) : null;
      return SPA_ORIGIN;
    };
    const header = fc.oneof(
      { arbitrary: fc.constantFrom(SPA_ORIGIN, SECOND, `${SECOND}/sessions`), weight: 2 },
      { arbitrary: fc.constantFrom(...LOOKALIKES), weight: 1 },
      { arbitrary: fc.webUrl(), weight: 1 },
    );
    const reached = { redirected: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(fc.option(header), fc.option(header), async (origin, referer) => {
        const jar = new CookieJar();
        await h.signIn(jar);
        const headers: Record<string, string> = { ...csrfHeaders };
        if (origin) headers.origin = origin;
        if (referer) headers.referer = referer;
        const response = await h.request('/auth/logout', { method: 'POST', jar, headers });
        const spaOrigin = expected(origin, referer);
        if (spaOrigin === null) {
          reached.refused += 1;
          expect(response.status).toBe(403);
          expect((await h.request('/api/session', { jar, headers: csrfHeaders })).status).toBe(200);
          return;
        }
        reached.redirected += 1;
        expect(response.status).toBe(200);
        const { redirectTo } = (await response.json()) as { redirectTo: string };
        const target = new URL(redirectTo);
        expect(target.origin).toBe(new URL(h.idp.issuer).origin);
        expect(target.searchParams.get('post_logout_redirect_uri')).toBe(`${spaOrigin}/`);
      }),
      {
        numRuns: 30,
        // Random draws can lean to one side; these make sure both branches are walked every run.
        examples: [
          [null, null],
          [SPA_ORIGIN, null],
          [null, `${SECOND}/sessions`],
          [SECOND, 'https://evil.example/page'],
          ['https://evil.example', null],
          [null, `${SPA_ORIGIN}.evil.example`],
          ['https://app.example.com:8443', SPA_ORIGIN],
        ],
      },
    );
    // Both branches were really exercised, not skipped past.
    expect(reached.redirected).toBeGreaterThanOrEqual(4);
    expect(reached.refused).toBeGreaterThanOrEqual(3);
  });
});
