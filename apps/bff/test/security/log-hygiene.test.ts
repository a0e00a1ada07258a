import { signInAtIdp } from '@gatehouse/idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeKeyFor } from '../../src/session/keys.ts';
import { openTokens } from '../../src/tokens/sealed-tokens.ts';
import { CookieJar } from '../support/cookie-jar.ts';
import { csrfHeaders, sessionCookieOf, SPA_ORIGIN, startHarness, type Harness } from '../support/harness.ts';

/**
 * Drives sign-ins, API use, revocation, logout and every kind of failure through the real IdP, then searches
 * everything the BFF logged (ASVS 5.0 V16.2.5, V16.3.x): no authorization code, no access, refresh or ID
 * token, no client secret, no raw session id or login-binding value — while the failures themselves are
 * logged, as JSON, with a request id. (The evil-provider and back-channel suites run the same search over
 * what they drive.)
 */
let h: Harness;
const secrets = new Set<string>();

/** A step of the scenario, with the status it must answer: a step that went wrong would test nothing. */
async function step(expected: number, response: Promise<Response>): Promise<Response> {
  const answered = await response;
  expect(answered.status, `${answered.url}`).toBe(expected);
  return answered;
}

async function signInCapturing(jar: CookieJar): Promise<URL> {
  const login = await step(302, h.request('/auth/login?returnTo=/dashboard', { jar }));
  const { redirectUrl } = await signInAtIdp(login.headers.get('location')!, 'alice', 'wonderland');
  const callback = new URL(redirectUrl);
  secrets.add(callback.searchParams.get('code')!);
  secrets.add(callback.searchParams.get('state')!);
  secrets.add(jar.cookies.get('__Host-gatehouse-login')!);
  return callback;
}

async function rememberSessionOf(jar: CookieJar): Promise<void> {
  const id = sessionCookieOf(h, jar)!;
  secrets.add(id);
  const session = (await h.deps.store.get(storeKeyFor(id)))!;
  const tokens = openTokens(h.deps.cipher, session.tokens, session.provider, session.user.sub);
  for (const token of [tokens.accessToken, tokens.refreshToken, tokens.idToken])
    if (token) secrets.add(token);
}

const signedInLocation = `${SPA_ORIGIN}/dashboard`;
const failedLocation = `${SPA_ORIGIN}/?error=login_failed`;
const expectLocation = (response: Response, location: string): void =>
  expect(response.headers.get('location')).toBe(location);

/** The happy paths and the failures, each checked as it runs, before anything below reads the logs. */
beforeAll(async () => {
  h = await startHarness({ env: { LOG_LEVEL: 'trace' } });

  // Sign in twice, use the API, list and revoke.
  const jar = new CookieJar();
  const first = await signInCapturing(jar);
  expectLocation(await step(302, h.request(first.pathname + first.search, { jar })), signedInLocation);
  await rememberSessionOf(jar);
  const other = new CookieJar();
  const second = await signInCapturing(other);
  expectLocation(
    await step(302, h.request(second.pathname + second.search, { jar: other })),
    signedInLocation,
  );
  await rememberSessionOf(other);
  await step(200, h.request('/api/session', { jar, headers: csrfHeaders }));
  await step(200, h.request('/api/sessions', { jar, headers: csrfHeaders }));
  const otherHandle = (
    (await (await step(200, h.request('/api/sessions', { jar, headers: csrfHeaders }))).json()) as Array<{
      id: string;
      current: boolean;
    }>
  ).find((s) => !s.current)!.id;
  await step(204, h.request(`/api/sessions/${otherHandle}`, { method: 'DELETE', jar, headers: csrfHeaders }));
  await step(401, h.request('/api/session', { jar: other, headers: csrfHeaders }));

  // Failures: a replayed callback, a tampered code, a wrong iss, a callback in another browser.
  await step(400, h.request(first.pathname + first.search, { jar }));
  for (const [name, value] of [
    ['code', 'tampered'],
    ['iss', 'https://evil.example'],
  ]) {
    const attempt = new CookieJar();
    const url = await signInCapturing(attempt);
    url.searchParams.set(name!, value!);
    expectLocation(await step(302, h.request(url.pathname + url.search, { jar: attempt })), failedLocation);
  }
  const stolen = await signInCapturing(new CookieJar());
  expectLocation(
    await step(302, h.request(stolen.pathname + stolen.search, { jar: new CookieJar() })),
    failedLocation,
  );

  // CSRF and bad input carrying the live cookie.
  await step(403, h.request('/api/session', { jar }));
  await step(
    403,
    h.request('/api/session', { jar, headers: { ...csrfHeaders, origin: 'https://evil.example' } }),
  );
  await step(
    403,
    h.request('/auth/logout', { method: 'POST', jar, body: 'x', headers: { 'content-type': 'text/plain' } }),
  );
  await step(
    401,
    h.request('/api/session', {
      headers: { ...csrfHeaders, cookie: `__Host-gatehouse=${sessionCookieOf(h, jar)}x` },
    }),
  );
  await step(
    431,
    h.request('/api/session', {
      headers: { ...csrfHeaders, authorization: `Bearer ${[...secrets][0]}`, 'x-big': 'a'.repeat(40 * 1024) },
    }),
  );

  // And out: the logout answer carries the ID token as id_token_hint (by contract) — the logs must not.
  const logout = await step(200, h.request('/auth/logout', { method: 'POST', jar, headers: csrfHeaders }));
  expect(((await logout.json()) as { redirectTo: string }).redirectTo).toContain('id_token_hint=');
});
afterAll(async () => {
  await h.close();
});

describe('what the BFF logs', () => {
  it('holds none of the secrets it handled', () => {
    expect(secrets.size).toBeGreaterThan(15);
    const logs = h.logs.text;
    for (const secret of secrets) expect(logs).not.toContain(secret);
    expect(logs).not.toContain(h.config.devClient.clientSecret);
    expect(logs).not.toMatch(/eyJ[A-Za-z0-9_-]+\.eyJ/); // no JWT at all
    expect(logs).not.toMatch(/__Host-gatehouse=/);
  });

  it('logs the failures themselves, as JSON lines with a request id', () => {
    const lines = h.logs.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.filter((line) => line.msg === 'sign-in failed').length).toBeGreaterThanOrEqual(3);
    expect(lines.filter((line) => line.msg === 'signed in').length).toBeGreaterThanOrEqual(2);
    const requests = lines.filter((line) => line.msg === 'request');
    expect(requests.length).toBeGreaterThan(10);
    for (const line of requests) {
      expect(line.requestId).toEqual(expect.any(String));
      expect(line.path).not.toMatch(/[?]/); // the path only: query strings carry codes and states
    }
  });
});
