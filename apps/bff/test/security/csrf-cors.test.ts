import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar } from '../support/cookie-jar.ts';
import { csrfHeaders, SPA_ORIGIN, startHarness, type Harness } from '../support/harness.ts';

let h: Harness;
const jar = new CookieJar();
beforeAll(async () => {
  h = await startHarness();
  await h.signIn(jar);
});
afterAll(async () => {
  await h.close();
});

describe('CSRF', () => {
  it.each([
    ['GET', '/api/session'],
    ['GET', '/api/sessions'],
    ['DELETE', '/api/sessions'],
    ['POST', '/auth/logout'],
  ])('refuses %s %s without X-CSRF: 1, even with a valid session', async (method, path) => {
    const response = await h.request(path, { method, jar });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: 'csrf' });
    // Nothing happened: the session still works.
    expect((await h.request('/api/session', { jar, headers: csrfHeaders })).status).toBe(200);
  });

  it('refuses a wrong header value', async () => {
    const response = await h.request('/api/session', { jar, headers: { 'X-CSRF': 'true' } });
    expect(response.status).toBe(403);
  });

  it.each(['https://evil.example', 'http://localhost:5173.evil.example', 'null', 'http://localhost:5174'])(
    'refuses a foreign Origin %s',
    async (origin) => {
      const response = await h.request('/api/session', { jar, headers: { ...csrfHeaders, origin } });
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ error: 'csrf' });
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    },
  );

  it('refuses cross-site fetch metadata', async () => {
    const response = await h.request('/api/session', {
      jar,
      headers: { ...csrfHeaders, 'sec-fetch-site': 'cross-site' },
    });
    expect(response.status).toBe(403);
  });

  it('answers the SPA origin with credentialed CORS', async () => {
    const response = await h.request('/api/session', {
      jar,
      headers: { ...csrfHeaders, origin: SPA_ORIGIN },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(SPA_ORIGIN);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(response.headers.get('vary')).toMatch(/origin/i);
  });

  it('answers a preflight from the SPA and never a foreign one', async () => {
    const preflight = (origin: string) =>
      h.request('/api/session', {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'x-csrf',
        },
      });
    const ok = await preflight(SPA_ORIGIN);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(SPA_ORIGIN);
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/x-csrf/i);
    const foreign = await preflight('https://evil.example');
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect(foreign.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('answers 401 JSON, never a redirect, to an unauthenticated API call', async () => {
    const response = await h.request('/api/session', { headers: csrfHeaders });
    expect(response.status).toBe(401);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.json()).toEqual({ error: 'unauthenticated', message: expect.any(String) });
  });
});

describe('CSRF: what a cross-site page can send', () => {
  const stillSignedIn = async (): Promise<void> => {
    expect((await h.request('/api/session', { jar, headers: csrfHeaders })).status).toBe(200);
  };

  it.each([
    ['text/plain', 'logout=1'],
    ['application/x-www-form-urlencoded', 'logout=1'],
    ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--'],
  ])(
    'refuses a simple %s POST to /auth/logout (no preflight, no header): 403, still signed in',
    async (type, body) => {
      for (const origin of ['https://evil.example', undefined]) {
        const headers: Record<string, string> = { 'content-type': type };
        if (origin) headers.origin = origin;
        const response = await h.request('/auth/logout', { method: 'POST', jar, body, headers });
        expect(response.status).toBe(403);
        expect(await response.json()).toMatchObject({ error: 'csrf' });
      }
      await stillSignedIn();
    },
  );

  it.each(['GET', 'HEAD'])(
    'never logs out on %s /auth/logout (no state change over a safe method)',
    async (method) => {
      const response = await h.request('/auth/logout', { method, jar, headers: csrfHeaders });
      expect(response.status).toBe(405);
      await stillSignedIn();
    },
  );

  it('refuses the header when it comes with a foreign or lookalike Origin, on every unsafe route', async () => {
    for (const origin of [
      'https://evil.example',
      `${SPA_ORIGIN}.evil.example`,
      'http://localhost:5173:80',
      'null',
    ]) {
      for (const [method, path] of [
        ['POST', '/auth/logout'],
        ['DELETE', '/api/sessions'],
        ['DELETE', `/api/sessions/${'A'.repeat(43)}`],
      ] as const) {
        const response = await h.request(path, { method, jar, headers: { ...csrfHeaders, origin } });
        expect(response.status).toBe(403);
      }
    }
    await stillSignedIn();
  });

  it('refuses a foreign Referer when there is no Origin', async () => {
    for (const referer of ['https://evil.example/attack', `${SPA_ORIGIN}.evil.example/`, 'garbage']) {
      const response = await h.request('/api/session', { jar, headers: { ...csrfHeaders, referer } });
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ error: 'csrf' });
    }
    const own = await h.request('/api/session', {
      jar,
      headers: { ...csrfHeaders, referer: `${SPA_ORIGIN}/x` },
    });
    expect(own.status).toBe(200);
  });

  it('accepts neither Origin nor Referer only with the header (a cross-site page cannot add it unpreflighted)', async () => {
    const other = new CookieJar();
    await h.signIn(other);
    const bare = await h.request('/auth/logout', { method: 'POST', jar: other });
    expect(bare.status).toBe(403);
    expect((await h.request('/api/session', { jar: other, headers: csrfHeaders })).status).toBe(200);
    // The same unsafe request with the header and still no Origin nor Referer (a same-origin client): accepted.
    const withHeader = await h.request('/auth/logout', { method: 'POST', jar: other, headers: csrfHeaders });
    expect(withHeader.status).toBe(200);
    expect((await h.request('/api/session', { jar: other, headers: csrfHeaders })).status).toBe(401);
    await stillSignedIn();
  });

  it.each(['cross-site'])('refuses Sec-Fetch-Site: %s on unsafe methods too', async (site) => {
    const response = await h.request('/auth/logout', {
      method: 'POST',
      jar,
      headers: { ...csrfHeaders, 'sec-fetch-site': site },
    });
    expect(response.status).toBe(403);
    await stillSignedIn();
  });

  it('accepts Sec-Fetch-Site same-site (SPA and BFF are two origins of one site) and same-origin', async () => {
    for (const site of ['same-site', 'same-origin']) {
      const response = await h.request('/api/session', {
        jar,
        headers: { ...csrfHeaders, origin: SPA_ORIGIN, 'sec-fetch-site': site },
      });
      expect(response.status).toBe(200);
    }
  });
});

describe('CORS: preflights and credentials', () => {
  const preflight = (path: string, method: string, origin: string) =>
    h.request(path, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': method,
        'access-control-request-headers': 'x-csrf',
      },
    });

  it.each([
    ['POST', '/auth/logout'],
    ['DELETE', '/api/sessions'],
    ['GET', '/api/sessions'],
  ])('answers a preflight for %s %s only for the SPA origin', async (method, path) => {
    const ok = await preflight(path, method, SPA_ORIGIN);
    expect(ok.headers.get('access-control-allow-origin')).toBe(SPA_ORIGIN);
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    for (const origin of [
      'https://evil.example',
      `${SPA_ORIGIN}.evil.example`,
      'null',
      'HTTP://LOCALHOST:5173',
    ]) {
      const refused = await preflight(path, method, origin);
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
      expect(refused.headers.get('access-control-allow-credentials')).toBeNull();
      expect(refused.headers.get('access-control-allow-headers')).toBeNull();
    }
  });

  it('never reflects an Origin and never answers * (property)', async () => {
    const lookalike = fc
      .tuple(
        fc.constantFrom('http', 'https', 'HTTP'),
        fc.domain(),
        fc.option(fc.integer({ min: 1, max: 65535 })),
      )
      .map(([scheme, host, port]) => `${scheme}://${host}${port ? `:${port}` : ''}`);
    const origin = fc.oneof(
      lookalike,
      fc.webUrl(),
      lookalike.map((o) => `${SPA_ORIGIN}.${o.replace(/^\w+:\/\//, '')}`),
      fc.constantFrom('null', '*', `${SPA_ORIGIN}/`, 'http://localhost', 'http://127.0.0.1:5173'),
    );
    await fc.assert(
      fc.asyncProperty(origin, fc.constantFrom('GET', 'OPTIONS'), async (value, method) => {
        const response =
          method === 'OPTIONS'
            ? await preflight('/api/session', 'GET', value)
            : await h.request('/api/session', { jar, headers: { ...csrfHeaders, origin: value } });
        const allowed = response.headers.get('access-control-allow-origin');
        expect(allowed).not.toBe('*');
        if (value !== SPA_ORIGIN) {
          expect(allowed).toBeNull();
          expect(response.headers.get('access-control-allow-credentials')).toBeNull();
        }
        if (method === 'GET') expect(response.status).toBe(403);
      }),
      { numRuns: 150 },
    );
  });

  it('says Vary: Origin wherever CORS headers may differ by origin', async () => {
    for (const path of ['/api/session', '/healthz', '/auth/providers']) {
      const response = await h.request(path, { jar, headers: { ...csrfHeaders, origin: SPA_ORIGIN } });
      expect(response.headers.get('vary')).toMatch(/origin/i);
    }
  });
});

describe('security headers', () => {
  it('sets them on every response, JSON and redirects alike', async () => {
    for (const path of ['/healthz', '/api/session', '/auth/login', '/nope']) {
      const response = await h.request(path, { headers: csrfHeaders });
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    }
    const auth = await h.request('/auth/login');
    expect(auth.headers.get('cache-control')).toBe('no-store');
  });
});
