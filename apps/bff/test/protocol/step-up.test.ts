import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ACR, CookieJar as IdpCookieJar, signInAtIdp } from '@gatehouse/idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProvidersFile } from '../../src/config/providers-file.ts';
import { storeKeyFor } from '../../src/session/keys.ts';
import { CookieJar } from '../support/cookie-jar.ts';
import { csrfHeaders, SPA_ORIGIN, sessionCookieOf, startHarness, type Harness } from '../support/harness.ts';

let h: Harness;
let upstream: Server;
let upstreamCalls = 0;
const MAX_AGE = 2;
/** How far ahead of real time the BFF reads the provider's clock: a provider that answers with an old `auth_time`. */
let providerSkewMs = 0;

beforeAll(async () => {
  upstream = createServer((_req, res) => {
    upstreamCalls += 1;
    res.setHeader('content-type', 'application/json').end('{"ok":true}');
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  const api = {
    baseUrl,
    provider: 'dev',
    methods: ['GET' as const],
    timeoutMs: 5000,
    allowInsecureHttp: true,
  };
  h = await startHarness({
    providerClock: () => Date.now() + providerSkewMs,
    apis: [
      { ...api, name: 'vault', require: { acr: [ACR.PASSWORD_AGAIN] } },
      { ...api, name: 'recent', require: { maxAge: MAX_AGE } },
    ],
  });
});
afterAll(async () => {
  await h.close();
  await new Promise((resolve) => upstream.close(resolve));
});

interface Browser {
  jar: CookieJar;
  idpJar: IdpCookieJar;
}

async function signedIn(user = 'alice', password = 'wonderland'): Promise<Browser> {
  const browser = { jar: new CookieJar(), idpJar: new IdpCookieJar() };
  const callback = await h.signIn(browser.jar, { user, password, idpJar: browser.idpJar });
  expect(callback.status).toBe(302);
  return browser;
}

/** `/auth/login?<query>` for a signed-in browser, through the IdP (as `user`, when it asks), to the callback. */
async function stepUp(
  browser: Browser,
  query: string,
  options: { user?: string; password?: string; alter?: (url: URL) => void } = {},
) {
  const login = await h.request(`/auth/login?${query}`, { jar: browser.jar });
  expect(login.status).toBe(302);
  const location = new URL(login.headers.get('location')!);
  options.alter?.(location);
  const { redirectUrl, steps } = await signInAtIdp(
    location.href,
    options.user ?? 'alice',
    options.password ?? 'wonderland',
    browser.idpJar,
  );
  const back = new URL(redirectUrl);
  const callback = await h.request(`${back.pathname}${back.search}`, { jar: browser.jar });
  const askedForPassword = steps.some((step) => step.method === 'POST' && /\/login$/.test(step.url));
  return { login: location, callback, askedForPassword };
}

const session = (browser: Browser) => h.request('/api/session', { jar: browser.jar, headers: csrfHeaders });
const proxied = (browser: Browser, api: string) =>
  h.request(`/api/proxy/${api}/x`, { jar: browser.jar, headers: csrfHeaders });
const stored = (browser: Browser) => h.deps.store.get(storeKeyFor(sessionCookieOf(h, browser.jar)!));

describe('an API that requires an authentication context (require.acr)', () => {
  it('answers 401 step_up_required, naming the requirement, and never calls the upstream', async () => {
    const browser = await signedIn();
    expect((await stored(browser))!.acr).toBe(ACR.PASSWORD);
    const before = upstreamCalls;
    const response = await proxied(browser, 'vault');
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: 'step_up_required',
      message: 'The "vault" API needs a stronger sign-in.',
      acr: [ACR.PASSWORD_AGAIN],
      maxAge: null,
    });
    expect(upstreamCalls).toBe(before);
  });

  it('is met after /auth/login?acr=...: the IdP asks for the password again and the session is upgraded', async () => {
    const browser = await signedIn();
    const before = (await (await session(browser)).json()) as { createdAt: string; expiresAt: string };
    const oldCookie = sessionCookieOf(h, browser.jar)!;

    const { login, callback, askedForPassword } = await stepUp(
      browser,
      `acr=${encodeURIComponent(ACR.PASSWORD_AGAIN)}&returnTo=/dashboard`,
    );
    expect(login.searchParams.get('acr_values')).toBe(ACR.PASSWORD_AGAIN);
    expect(askedForPassword).toBe(true);
    expect(callback.headers.get('location')).toBe(`${SPA_ORIGIN}/dashboard`);

    // The same session, proven again: a new cookie id, the same creation and absolute end, one session in all.
    expect(sessionCookieOf(h, browser.jar)).not.toBe(oldCookie);
    const after = (await (await session(browser)).json()) as typeof before;
    expect(after.createdAt).toBe(before.createdAt);
    expect(after.expiresAt).toBe(before.expiresAt);
    expect(await h.deps.store.get(storeKeyFor(oldCookie))).toBeNull();
    expect((await stored(browser))!.acr).toBe(ACR.PASSWORD_AGAIN);

    const response = await proxied(browser, 'vault');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  it('refuses a sign-in whose ID token lacks the acr asked for (the provider ignored acr_values)', async () => {
    const browser = await signedIn();
    const cookie = sessionCookieOf(h, browser.jar)!;
    const { callback, askedForPassword } = await stepUp(
      browser,
      `acr=${encodeURIComponent(ACR.PASSWORD_AGAIN)}`,
      {
        alter: (url) => url.searchParams.delete('acr_values'),
      },
    );
    expect(askedForPassword).toBe(false);
    expect(callback.headers.get('location')).toBe(`${SPA_ORIGIN}/?error=login_failed`);
    expect(h.logs.text).toContain('step-up refused: the provider returned acr');
    // The session is neither upgraded nor ended.
    expect(sessionCookieOf(h, browser.jar)).toBe(cookie);
    expect((await stored(browser))!.acr).toBe(ACR.PASSWORD);
    expect((await proxied(browser, 'vault')).status).toBe(401);
  });

  it('refuses a step-up in which another user signs in at the provider', async () => {
    const browser = await signedIn();
    const cookie = sessionCookieOf(h, browser.jar)!;
    const current = (await stored(browser))!;
    // A fresh IdP session, in which bob signs in: the IdP's account switch is not what is tested here.
    const { callback } = await stepUp(
      { jar: browser.jar, idpJar: new IdpCookieJar() },
      `acr=${encodeURIComponent(ACR.PASSWORD_AGAIN)}`,
      { user: 'bob', password: 'builder' },
    );
    expect(callback.headers.get('location')).toBe(`${SPA_ORIGIN}/?error=login_failed`);
    expect(h.logs.text).toContain('step-up refused: another user signed in at the provider');
    expect(sessionCookieOf(h, browser.jar)).toBe(cookie);
    expect((await stored(browser))!).toEqual(current);
  });
});

describe('an API that requires a recent sign-in (require.maxAge)', () => {
  it('answers 401 once the sign-in is older than maxAge, and 200 after /auth/login?maxAge=', async () => {
    const browser = await signedIn('bob', 'builder');
    expect((await proxied(browser, 'recent')).status).toBe(200);
    // Older by both clocks: the IdP's (real time, for its max_age) and the session's (for the API's maxAge).
    // The IdP compares whole seconds (now - auth_time > max_age): a full second more than MAX_AGE is always past.
    const older = (MAX_AGE + 1) * 1000 + 100;
    const authTime = (await stored(browser))!.authTime!;
    await sleep(older);
    // The session clock stands still while the tests before this one took real time: set it, don't nudge it.
    h.clock.advance(authTime + older - h.clock.now());
    const stale = await proxied(browser, 'recent');
    expect(stale.status).toBe(401);
    expect(await stale.json()).toMatchObject({ error: 'step_up_required', acr: null, maxAge: MAX_AGE });

    const { login, callback, askedForPassword } = await stepUp(browser, `maxAge=${MAX_AGE}`, {
      user: 'bob',
      password: 'builder',
    });
    expect(login.searchParams.get('max_age')).toBe(String(MAX_AGE));
    expect(askedForPassword).toBe(true);
    expect(callback.headers.get('location')).toBe(`${SPA_ORIGIN}/`);
    expect((await stored(browser))!.authTime).toBeGreaterThan(authTime);
    expect((await proxied(browser, 'recent')).status).toBe(200);
  });

  it('refuses a stale auth_time returned for max_age (the provider ignored it)', async () => {
    const browser = await signedIn();
    const cookie = sessionCookieOf(h, browser.jar)!;
    const current = (await stored(browser))!;
    const attempt = () =>
      stepUp(browser, 'maxAge=60', { alter: (url) => url.searchParams.delete('max_age') });
    // Our clock for provider times five minutes ahead: the IdP's auth_time is then five minutes old.
    providerSkewMs = 300_000;
    try {
      const stale = await attempt();
      expect(stale.askedForPassword).toBe(false);
      expect(stale.callback.headers.get('location')).toBe(`${SPA_ORIGIN}/?error=login_failed`);
      expect(h.logs.text).toMatch(
        /step-up refused: the provider returned an auth_time \d+ s old, more than max_age 60/,
      );
    } finally {
      providerSkewMs = 0;
    }
    expect(sessionCookieOf(h, browser.jar)).toBe(cookie);
    expect((await stored(browser))!).toEqual(current);
    // The control: by the real clock the same sign-in is recent enough, and upgrades the session.
    const fresh = await attempt();
    expect(fresh.callback.headers.get('location')).toBe(`${SPA_ORIGIN}/`);
    expect(sessionCookieOf(h, browser.jar)).not.toBe(cookie);
    expect((await stored(browser))!.createdAt).toBe(current.createdAt);
  });
});

describe('GET /auth/login step-up parameters', () => {
  it('refuses malformed acr and maxAge with 400 invalid_request', async () => {
    for (const query of ['maxAge=soon', 'maxAge=-1', 'acr=', 'acr=a&acr=b', `acr=${'x'.repeat(129)}`]) {
      const response = await h.request(`/auth/login?${query}`, { jar: new CookieJar() });
      expect(response.status, query).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'invalid_request' });
    }
  });

  it('a step-up stays with the session’s provider', async () => {
    const browser = await signedIn();
    const response = await h.request(`/auth/login?provider=other&acr=x`, { jar: browser.jar });
    expect(response.status).toBe(400);
  });
});

describe('require.acr and require.maxAge configuration', () => {
  const file = (provider: Record<string, unknown>, require: Record<string, unknown>) => ({
    providers: [{ name: 'p', clientId: 'c', clientSecret: 's', ...provider }],
    apis: [{ name: 'a', baseUrl: 'https://api.example', provider: 'p', require }],
  });
  const oidcProvider = { issuer: 'https://idp.example' };
  const plainProvider = {
    authorizationEndpoint: 'https://octo.example/authorize',
    tokenEndpoint: 'https://octo.example/token',
    userinfoEndpoint: 'https://octo.example/user',
  };

  it('accepts acr and maxAge for an OpenID provider', () => {
    const parsed = parseProvidersFile(file(oidcProvider, { acr: [ACR.PASSWORD_AGAIN], maxAge: 300 }), {});
    expect(parsed.apis[0]!.require).toEqual({ acr: [ACR.PASSWORD_AGAIN], maxAge: 300 });
  });

  it('refuses them for a provider without ID tokens, an empty require and a negative maxAge', () => {
    expect(() => parseProvidersFile(file(plainProvider, { maxAge: 60 }), {})).toThrow(
      /apis\.0 \("a"\)\.require: "acr" and "maxAge" need an OpenID provider/,
    );
    expect(() => parseProvidersFile(file(oidcProvider, {}), {})).toThrow(/needs "claims", "acr" or "maxAge"/);
    expect(() => parseProvidersFile(file(oidcProvider, { maxAge: -1 }), {})).toThrow(/require\.maxAge/);
  });
});
