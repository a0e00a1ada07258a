import { CookieJar as IdpCookieJar, signInAtIdp } from '@gatehouse/idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar } from '../support/cookie-jar.ts';
import { csrfHeaders, SPA_ORIGIN, sessionCookieOf, startHarness, type Harness } from '../support/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

/** `/auth/login?prompt=none` through the IdP with the browser's IdP cookies, and back to the callback. */
async function silentSignIn(jar: CookieJar, idpJar: IdpCookieJar) {
  const login = await h.request('/auth/login?prompt=none&returnTo=/dashboard', { jar });
  expect(login.status).toBe(302);
  const location = new URL(login.headers.get('location')!);
  expect(location.searchParams.get('prompt')).toBe('none');
  // No credentials: a page asking for them would fail the sign-in below instead of being answered.
  const { redirectUrl, steps } = await signInAtIdp(location.href, 'nobody', 'nothing', idpJar);
  const back = new URL(redirectUrl);
  const callback = await h.request(`${back.pathname}${back.search}`, { jar });
  return { steps, callback };
}

describe('silent sign-in (prompt=none)', () => {
  it('signs the browser in without a page when the provider still has a session', async () => {
    const idpJar = new IdpCookieJar();
    await h.signIn(new CookieJar(), { idpJar, user: 'bob', password: 'builder' });

    const jar = new CookieJar();
    const { steps, callback } = await silentSignIn(jar, idpJar);
    expect(steps.every((step) => step.status >= 300 && step.status < 400)).toBe(true);
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe(`${SPA_ORIGIN}/dashboard`);
    expect(sessionCookieOf(h, jar)).toBeDefined();
    const session = await h.request('/api/session', { jar, headers: csrfHeaders });
    expect(session.status).toBe(200);
    expect(await session.json()).toMatchObject({ user: { sub: 'bob' } });
  });

  it('lands on the SPA at /?error=login_required without a page or a session when it has none', async () => {
    const jar = new CookieJar();
    const { steps, callback } = await silentSignIn(jar, new IdpCookieJar());
    expect(steps.every((step) => step.status >= 300 && step.status < 400)).toBe(true);
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe(`${SPA_ORIGIN}/?error=login_required`);
    expect(sessionCookieOf(h, jar) ?? '').toBe('');
    const session = await h.request('/api/session', { jar, headers: csrfHeaders });
    expect(session.status).toBe(401);
  });

  it('refuses any other prompt with 400 invalid_request', async () => {
    for (const prompt of ['login', 'consent', 'none%20login']) {
      const response = await h.request(`/auth/login?prompt=${prompt}`, { jar: new CookieJar() });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'invalid_request' });
    }
    const twice = await h.request('/auth/login?prompt=none&prompt=none', { jar: new CookieJar() });
    expect(twice.status).toBe(400);
  });
});
