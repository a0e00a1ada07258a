import fc from 'fast-check';
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

  it('never lets query parameters of /auth/login reach or override the authorization request', async () => {
    const injected = new URLSearchParams({
      redirect_uri: 'https://evil.example/callback',
      scope: 'openid admin',
      state: 'attacker-state',
      nonce: 'attacker-nonce',
      response_type: 'token',
      response_mode: 'fragment',
      code_challenge: 'attacker-challenge',
      code_challenge_method: 'plain',
      client_id: 'evil-client',
      // `prompt=none`, `acr` and `maxAge` are Gatehouse's own parameters (silent sign-in, step-up); the raw
      // OAuth names never pass.
      max_age: '0',
      acr_values: 'urn:evil',
      request_uri: 'https://evil.example/request',
      login_hint: 'victim@example.com',
      foo: 'bar',
    });
    const response = await h.request(`/auth/login?${injected}`);
    expect(response.status).toBe(302);
    const params = new URL(response.headers.get('location')!).searchParams;
    expect([...params.keys()].sort()).toEqual(
      [
        'client_id',
        'code_challenge',
        'code_challenge_method',
        'nonce',
        'redirect_uri',
        'response_type',
        'scope',
        'state',
      ].sort(),
    );
    expect(params.get('redirect_uri')).toBe(`${h.bffUrl}/auth/callback`);
    expect(params.get('client_id')).toBe('gatehouse');
    expect(params.get('response_type')).toBe('code');
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('scope')).toBe('openid profile email offline_access');
    for (const value of injected.values()) expect([...params.values()]).not.toContain(value);
  });

  it.each([
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    'DEV',
    'dev ',
    'dev\u0000',
    '../dev',
    'dev/../dev',
    'x'.repeat(5000),
  ])('refuses provider %j with 400 JSON, never a 500', async (provider) => {
    const response = await h.request(`/auth/login?${new URLSearchParams({ provider })}`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; message: string };
    expect(body.error).toBe('invalid_request');
    expect(body.message.length).toBeLessThan(200);
  });

  it('falls back to / for a returnTo given twice', async () => {
    const jar = new CookieJar();
    const login = await h.request('/auth/login?returnTo=/a&returnTo=/b', { jar });
    const state = new URL(login.headers.get('location')!).searchParams.get('state')!;
    expect((await h.deps.store.takeTransaction(state))?.returnTo).toBe(`${SPA_ORIGIN}/`);
  });

  it('stores only a return address on the SPA origin, whatever returnTo, Origin and Referer say (property)', async () => {
    const hostile = fc.constantFrom(
      'https://evil.example',
      'http://localhost:5173.evil.example',
      'http://localhost:5173@evil.example',
      'null',
      '',
    );
    const returnTo = fc.oneof(
      fc.string({
        unit: fc.constantFrom('/', '\\', '.', '%', '2', 'F', 'e', '5', 'C', '@', ':', 'a', '\t', '?', '#'),
      }),
      fc.webUrl(),
      fc.string().map((s) => `/${s}`),
    );
    await fc.assert(
      fc.asyncProperty(returnTo, hostile, hostile, async (target, origin, referer) => {
        const headers: Record<string, string> = {};
        if (origin) headers.origin = origin;
        if (referer) headers.referer = referer;
        const login = await h.request(`/auth/login?${new URLSearchParams({ returnTo: target })}`, {
          headers,
        });
        const state = new URL(login.headers.get('location')!).searchParams.get('state')!;
        const stored = (await h.deps.store.takeTransaction(state))!.returnTo;
        expect(new URL(stored).origin).toBe(SPA_ORIGIN);
        expect(stored.startsWith(`${SPA_ORIGIN}/`)).toBe(true);
        expect(stored.slice(SPA_ORIGIN.length).startsWith('//')).toBe(false);
      }),
      { numRuns: 150 },
    );
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
