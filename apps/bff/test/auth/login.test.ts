import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar } from '../support/cookie-jar.ts';
import { SPA_ORIGIN, startHarness, type Harness } from '../support/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe('GET /auth/login', () => {
  it('refuses an unknown provider with 400 JSON', async () => {
    const response = await h.request('/auth/login?provider=nope');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('refuses a provider given twice', async () => {
    const response = await h.request('/auth/login?provider=dev&provider=dev');
    expect(response.status).toBe(400);
  });

  it.each([
    'https://evil.example/',
    '//evil.example/x',
    '/\\evil.example',
    '\\/evil.example',
    '/%2F%2Fevil.example',
    'javascript:alert(1)',
    ' /dashboard',
    '/dash\nboard',
  ])('sends returnTo %j back to the SPA home', async (returnTo) => {
    const jar = new CookieJar();
    const callback = await h.signIn(jar, { returnTo });
    expect(callback.headers.get('location')).toBe(`${SPA_ORIGIN}/`);
  });

  it('keeps a same-site relative returnTo with its query and fragment', async () => {
    const jar = new CookieJar();
    const callback = await h.signIn(jar, { returnTo: '/dashboard?tab=2#top' });
    expect(callback.headers.get('location')).toBe(`${SPA_ORIGIN}/dashboard?tab=2#top`);
  });

  it('sets a login-binding cookie that is HttpOnly, Secure, Lax and short-lived', async () => {
    const response = await h.request('/auth/login');
    const binding = response.headers.getSetCookie().find((c) => c.startsWith('__Host-gatehouse-login='));
    expect(binding).toBeDefined();
    expect(binding).toMatch(/httponly/i);
    expect(binding).toMatch(/secure/i);
    expect(binding).toMatch(/samesite=lax/i);
    expect(binding).toMatch(/path=\//i);
    const expires = Date.parse(/expires=([^;]+)/i.exec(binding!)![1]!);
    expect(expires - Date.now()).toBeGreaterThan(9 * 60 * 1000);
    expect(expires - Date.now()).toBeLessThanOrEqual(10 * 60 * 1000);
  });
});
