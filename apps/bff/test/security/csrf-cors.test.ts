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
