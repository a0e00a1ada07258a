import { SessionInfoSchema } from '@gatehouse/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar, parseSetCookie } from '../support/cookie-jar.ts';
import { csrfHeaders, SPA_ORIGIN, sessionCookieOf, startHarness, type Harness } from '../support/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe('the authorization code flow against the embedded IdP', () => {
  it('redirects to the provider with PKCE S256, state and nonce', async () => {
    const response = await h.request('/auth/login?returnTo=/dashboard', { jar: new CookieJar() });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(location.origin).toBe(new URL(h.idp.issuer).origin);
    const params = location.searchParams;
    expect(params.get('response_type')).toBe('code');
    expect(params.get('client_id')).toBe('gatehouse');
    expect(params.get('redirect_uri')).toBe(`${h.bffUrl}/auth/callback`);
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get('nonce')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(params.get('scope')).toBe('openid profile email offline_access');
  });

  it('signs alice in and lands on the SPA at returnTo with a session cookie', async () => {
    const jar = new CookieJar();
    const callback = await h.signIn(jar, { returnTo: '/dashboard?tab=2' });
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe(`${SPA_ORIGIN}/dashboard?tab=2`);
    expect(callback.headers.get('referrer-policy')).toBe('no-referrer');
    expect(callback.headers.get('cache-control')).toBe('no-store');

    const session = await h.request('/api/session', { jar, headers: csrfHeaders });
    expect(session.status).toBe(200);
    const info = SessionInfoSchema.parse(await session.json());
    expect(info.user).toEqual({
      sub: 'alice',
      name: 'Alice Liddell',
      email: 'alice@example.com',
      picture: null,
    });
    expect(info.provider).toBe('dev');
    const created = Date.parse(info.createdAt);
    expect(Date.parse(info.expiresAt) - created).toBe(8 * 3600 * 1000);
    expect(Date.parse(info.idleExpiresAt) - created).toBeGreaterThanOrEqual(30 * 60 * 1000);
  });

  it('sets the session cookie exactly as the contract says', async () => {
    const jar = new CookieJar();
    const callback = await h.signIn(jar);
    const cookie = callback.headers
      .getSetCookie()
      .map(parseSetCookie)
      .find((c) => c.name === '__Host-gatehouse' && c.value !== '');
    expect(cookie).toBeDefined();
    expect(cookie!.value).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 random bits, not a UUID
    expect(cookie!.attributes.get('httponly')).toBe(true);
    expect(cookie!.attributes.get('secure')).toBe(true);
    expect(cookie!.attributes.get('path')).toBe('/');
    expect(cookie!.attributes.get('samesite')).toBe('lax');
    expect(cookie!.attributes.has('domain')).toBe(false);
  });

  it('keeps tokens out of everything the browser receives', async () => {
    const jar = new CookieJar();
    const callback = await h.signIn(jar);
    const session = await h.request('/api/session', { jar, headers: csrfHeaders });
    const seen = [
      callback.headers.get('location') ?? '',
      ...callback.headers.getSetCookie(),
      await session.text(),
      ...session.headers.getSetCookie(),
    ].join('\n');
    expect(seen).not.toMatch(/eyJ[A-Za-z0-9_-]+\./); // no JWT (ID or access token)
    expect(seen).not.toMatch(/access_token|refresh_token|id_token/);
  });

  it('issues a new session id at every sign-in and destroys the previous session', async () => {
    const jar = new CookieJar();
    await h.signIn(jar);
    const first = sessionCookieOf(h, jar)!;
    await h.signIn(jar);
    const second = sessionCookieOf(h, jar)!;
    expect(second).not.toBe(first);

    const old = await h.request('/api/session', {
      headers: { ...csrfHeaders, cookie: `__Host-gatehouse=${first}` },
    });
    expect(old.status).toBe(401);
    expect(await old.json()).toMatchObject({ error: 'unauthenticated' });
    const current = await h.request('/api/session', { jar, headers: csrfHeaders });
    expect(current.status).toBe(200);
  });

  it('lets two tabs of one browser sign in at once', async () => {
    const jar = new CookieJar();
    const tab1 = await h.request('/auth/login?returnTo=/one', { jar });
    const tab2 = await h.request('/auth/login?returnTo=/two', { jar });
    const { signInAtIdp } = await import('@gatehouse/idp');
    const done2 = await signInAtIdp(tab2.headers.get('location')!, 'alice', 'wonderland');
    const done1 = await signInAtIdp(tab1.headers.get('location')!, 'alice', 'wonderland');
    const cb1 = new URL(done1.redirectUrl);
    const cb2 = new URL(done2.redirectUrl);
    const r2 = await h.request(cb2.pathname + cb2.search, { jar });
    const r1 = await h.request(cb1.pathname + cb1.search, { jar });
    expect(r2.headers.get('location')).toBe(`${SPA_ORIGIN}/two`);
    expect(r1.headers.get('location')).toBe(`${SPA_ORIGIN}/one`);
  });

  it('logs out: the store forgets the session, the cookie is cleared and the old cookie is worthless', async () => {
    const jar = new CookieJar();
    await h.signIn(jar);
    const cookie = sessionCookieOf(h, jar)!;
    const before = await h.deps.store.listByUser('dev', 'alice');

    const response = await h.request('/auth/logout', { method: 'POST', jar, headers: csrfHeaders });
    expect(response.status).toBe(200);
    const { redirectTo } = (await response.json()) as { redirectTo: string };
    const endSession = new URL(redirectTo);
    expect(`${endSession.origin}${endSession.pathname}`).toBe(`${h.idp.issuer}/session/end`);
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`${SPA_ORIGIN}/`);
    expect(endSession.searchParams.get('id_token_hint')).toMatch(/^eyJ/);
    const cleared = response.headers
      .getSetCookie()
      .map(parseSetCookie)
      .find((c) => c.name === '__Host-gatehouse');
    expect(cleared?.value).toBe('');

    const after = await h.deps.store.listByUser('dev', 'alice');
    expect(after.length).toBe(before.length - 1);
    const replay = await h.request('/api/session', {
      headers: { ...csrfHeaders, cookie: `__Host-gatehouse=${cookie}` },
    });
    expect(replay.status).toBe(401);
  });

  it('answers logout without a session with the SPA home', async () => {
    const response = await h.request('/auth/logout', { method: 'POST', headers: csrfHeaders });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ redirectTo: `${SPA_ORIGIN}/` });
  });

  it('lists the configured providers for the SPA', async () => {
    const response = await h.request('/auth/providers');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([{ name: 'dev', label: 'Dev IdP', available: true }]);
  });
});
