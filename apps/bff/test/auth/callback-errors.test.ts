import { signInAtIdp } from '@gatehouse/idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar } from '../support/cookie-jar.ts';
import { csrfHeaders, SPA_ORIGIN, sessionCookieOf, startHarness, type Harness } from '../support/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

/** Runs login and the IdP's page, and answers the callback path without calling it. */
async function callbackPathFor(jar: CookieJar, returnTo = '/dashboard'): Promise<string> {
  const login = await h.request(`/auth/login?returnTo=${encodeURIComponent(returnTo)}`, { jar });
  const { redirectUrl } = await signInAtIdp(login.headers.get('location')!, 'alice', 'wonderland');
  const url = new URL(redirectUrl);
  return url.pathname + url.search;
}

async function expectNoSession(jar: CookieJar): Promise<void> {
  expect(sessionCookieOf(h, jar)).toBeUndefined();
  const response = await h.request('/api/session', { jar, headers: csrfHeaders });
  expect(response.status).toBe(401);
}

describe('GET /auth/callback refuses what it should', () => {
  it('answers 400 JSON without a state', async () => {
    const response = await h.request('/auth/callback?code=abc');
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('answers 400 JSON for an unknown state', async () => {
    const response = await h.request(`/auth/callback?code=abc&state=${'A'.repeat(43)}`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('answers 400 JSON for duplicated or malformed parameters', async () => {
    for (const query of ['state=a&state=b', 'state=%E0%A4%A', `state=${'x'.repeat(5000)}`]) {
      const response = await h.request(`/auth/callback?${query}`);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'invalid_request' });
    }
  });

  it('accepts a transaction once: a replayed callback is refused and creates nothing', async () => {
    const jar = new CookieJar();
    const path = await callbackPathFor(jar);
    const first = await h.request(path, { jar });
    expect(first.headers.get('location')).toBe(`${SPA_ORIGIN}/dashboard`);
    const replayJar = new CookieJar();
    replayJar.cookies.set('__Host-gatehouse-login', jar.cookies.get('__Host-gatehouse-login')!);
    const replay = await h.request(path, { jar: replayJar });
    expect(replay.status).toBe(400);
    await expectNoSession(replayJar);
  });

  it('refuses a callback carried into another browser (login CSRF / injection)', async () => {
    const victim = new CookieJar();
    const attacker = new CookieJar();
    const path = await callbackPathFor(attacker);
    const response = await h.request(path, { jar: victim });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(`${SPA_ORIGIN}/?error=login_failed`);
    await expectNoSession(victim);
    // The transaction is spent: the attacker cannot use it afterwards either.
    const late = await h.request(path, { jar: attacker });
    expect(late.status).toBe(400);
  });

  it('refuses a replayed code under a fresh state', async () => {
    const jar = new CookieJar();
    const used = new URL(await callbackPathFor(jar), h.bffUrl);
    await h.request(used.pathname + used.search, { jar });
    const fresh = new URL(await callbackPathFor(jar), h.bffUrl);
    fresh.searchParams.set('code', used.searchParams.get('code')!);
    const before = sessionCookieOf(h, jar);
    const response = await h.request(fresh.pathname + fresh.search, { jar });
    expect(response.headers.get('location')).toBe(`${SPA_ORIGIN}/?error=login_failed`);
    expect(sessionCookieOf(h, jar)).toBe(before);
  });

  it('refuses a mismatched iss (RFC 9207) and a tampered code', async () => {
    for (const [name, value] of [
      ['iss', 'https://evil.example'],
      ['code', 'tampered'],
    ] as const) {
      const jar = new CookieJar();
      const url = new URL(await callbackPathFor(jar), h.bffUrl);
      url.searchParams.set(name, value);
      const response = await h.request(url.pathname + url.search, { jar });
      expect(response.headers.get('location')).toBe(`${SPA_ORIGIN}/?error=login_failed`);
      await expectNoSession(jar);
    }
  });

  it('refuses a response without iss when the provider promises it', async () => {
    const jar = new CookieJar();
    const url = new URL(await callbackPathFor(jar), h.bffUrl);
    url.searchParams.delete('iss');
    const response = await h.request(url.pathname + url.search, { jar });
    expect(response.headers.get('location')).toBe(`${SPA_ORIGIN}/?error=login_failed`);
    await expectNoSession(jar);
  });

  it('turns error=access_denied with a valid state into /?error=access_denied', async () => {
    const jar = new CookieJar();
    const login = await h.request('/auth/login', { jar });
    const state = new URL(login.headers.get('location')!).searchParams.get('state')!;
    const query = new URLSearchParams({ error: 'access_denied', state, iss: h.idp.issuer });
    const response = await h.request(`/auth/callback?${query}`, { jar });
    expect(response.headers.get('location')).toBe(`${SPA_ORIGIN}/?error=access_denied`);
    await expectNoSession(jar);
  });

  it('expires a transaction after ten minutes', async () => {
    const jar = new CookieJar();
    const path = await callbackPathFor(jar);
    h.clock.advance(10 * 60 * 1000 + 1);
    try {
      const response = await h.request(path, { jar });
      expect(response.status).toBe(400);
      await expectNoSession(jar);
    } finally {
      h.clock.advance(-(10 * 60 * 1000 + 1));
    }
  });

  /** A login in `jar` whose callback URL is returned unused, with its state. */
  async function pendingCallback(jar: CookieJar): Promise<URL> {
    return new URL(await callbackPathFor(jar), h.bffUrl);
  }

  it.each([
    ['without a code', (url: URL) => url.searchParams.delete('code')],
    ['with the code given twice', (url: URL) => url.searchParams.append('code', 'second-code')],
    ['with iss given twice', (url: URL) => url.searchParams.append('iss', h.idp.issuer)],
    ['with an empty code', (url: URL) => url.searchParams.set('code', '')],
  ])('refuses a callback %s: /?error=login_failed, no session', async (_name, change) => {
    const jar = new CookieJar();
    const url = await pendingCallback(jar);
    change(url);
    const response = await h.request(url.pathname + url.search, { jar });
    expect(response.headers.get('location')).toBe(`${SPA_ORIGIN}/?error=login_failed`);
    await expectNoSession(jar);
  });

  it('refuses a callback whose browser-binding cookie is missing or replaced', async () => {
    for (const binding of [undefined, 'B'.repeat(43), 'not-well-formed']) {
      const jar = new CookieJar();
      const url = await pendingCallback(jar);
      if (binding === undefined) jar.cookies.delete('__Host-gatehouse-login');
      else jar.cookies.set('__Host-gatehouse-login', binding);
      const response = await h.request(url.pathname + url.search, { jar });
      expect(response.headers.get('location')).toBe(`${SPA_ORIGIN}/?error=login_failed`);
      await expectNoSession(jar);
    }
  });

  it("refuses one transaction's code under another transaction's state (mismatched state)", async () => {
    const jar = new CookieJar();
    const first = await pendingCallback(jar);
    const second = await pendingCallback(jar);
    const mixed = new URL(second);
    mixed.searchParams.set('code', first.searchParams.get('code')!);
    const response = await h.request(mixed.pathname + mixed.search, { jar });
    expect(response.headers.get('location')).toBe(`${SPA_ORIGIN}/?error=login_failed`);
    await expectNoSession(jar);
    // Only the transaction named by the state was used up; the other one is still pending, untouched.
    expect(await h.deps.store.takeTransaction(first.searchParams.get('state')!)).not.toBeNull();
  });

  it('answers an error response without a state, or with an unknown one, with 400 JSON', async () => {
    for (const query of ['error=access_denied', `error=access_denied&state=${'C'.repeat(43)}`]) {
      const response = await h.request(`/auth/callback?${query}`);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'invalid_request' });
    }
  });

  it('answers an error response with a valid state from another browser as login_failed', async () => {
    const attacker = new CookieJar();
    const login = await h.request('/auth/login', { jar: attacker });
    const state = new URL(login.headers.get('location')!).searchParams.get('state')!;
    const victim = new CookieJar();
    const query = new URLSearchParams({ error: 'access_denied', state, iss: h.idp.issuer });
    const response = await h.request(`/auth/callback?${query}`, { jar: victim });
    expect(response.headers.get('location')).toBe(`${SPA_ORIGIN}/?error=login_failed`);
    await expectNoSession(victim);
  });

  it('never echoes error_description or any other provider text into the redirect', async () => {
    const jar = new CookieJar();
    const login = await h.request('/auth/login', { jar });
    const state = new URL(login.headers.get('location')!).searchParams.get('state')!;
    const query = new URLSearchParams({
      error: 'server_error',
      error_description: '<script>alert(1)</script>',
      error_uri: 'https://evil.example/help',
      state,
      iss: h.idp.issuer,
    });
    const response = await h.request(`/auth/callback?${query}`, { jar });
    const location = response.headers.get('location')!;
    expect(location).toBe(`${SPA_ORIGIN}/?error=login_failed`);
    expect(await response.text()).not.toMatch(/script|evil\.example/);
    await expectNoSession(jar);
  });

  it('never echoes the code or state in what it logs', async () => {
    const jar = new CookieJar();
    const url = new URL(await callbackPathFor(jar), h.bffUrl);
    await h.request(url.pathname + url.search, { jar });
    const code = url.searchParams.get('code')!;
    const state = url.searchParams.get('state')!;
    expect(h.logs.text).not.toContain(code);
    expect(h.logs.text).not.toContain(state);
    expect(h.logs.text).not.toContain(sessionCookieOf(h, jar)!);
    expect(h.logs.text).not.toContain('gatehouse-dev-secret');
  });
});
