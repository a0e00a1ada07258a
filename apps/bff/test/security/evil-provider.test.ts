import type { JWTPayload } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ProviderConfig } from '../../src/config/providers-file.ts';
import { CookieJar } from '../support/cookie-jar.ts';
import {
  startEvilProvider,
  signInThroughEvil,
  type EvilProvider,
  type Misbehaviour,
} from '../support/evil-provider.ts';
import { csrfHeaders, SPA_ORIGIN, sessionCookieOf, startHarness, type Harness } from '../support/harness.ts';
import { startUpstream, echoApi } from '../support/upstream.ts';

/**
 * The BFF against a provider that lies, one lie at a time (RFC 9700, OpenID Connect Core §3.1.3.7, the OpenID
 * RP conformance tests). Every lie must end the same way: a redirect to the SPA's `/?error=login_failed`, no
 * session (no cookie, 401, nothing in the store), and no code, token or secret echoed anywhere.
 */

let h: Harness;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
type OpName = 'evil' | 'mismatch' | 'kidless-single' | 'kidless-multi' | 'rotating';
const ops = {} as Record<OpName, EvilProvider>;
const seenSessionCookies: string[] = [];

const oidc = (name: string, op: EvilProvider): ProviderConfig => ({
  name,
  label: name,
  issuer: op.issuer,
  clientId: op.clientId,
  clientSecret: op.clientSecret,
  scopes: ['openid', 'profile', 'email', 'offline_access'],
  allowInsecureHttp: true,
});

beforeAll(async () => {
  upstream = await startUpstream();
  // Advertises what it must not talk the BFF into (A3, A4, G28): unsigned, MAC'd and other-algorithm tokens.
  ops.evil = await startEvilProvider({
    accessTokenTtl: 60,
    algorithms: ['RS256', 'ES256', 'PS256', 'HS256', 'none'],
  });
  ops.mismatch = await startEvilProvider({ discoveryIssuer: 'https://idp.other.example' });
  ops['kidless-single'] = await startEvilProvider();
  ops['kidless-multi'] = await startEvilProvider();
  await ops['kidless-multi'].rotateKeys(); // two keys in the JWKS
  ops.rotating = await startEvilProvider();
  h = await startHarness({
    providers: () => [
      oidc('evil', ops.evil),
      oidc('mismatch', ops.mismatch),
      oidc('kidless-single', ops['kidless-single']),
      oidc('kidless-multi', ops['kidless-multi']),
      oidc('rotating', ops.rotating),
    ],
    apis: [echoApi(upstream.url, { provider: 'evil' })],
  });
});
afterEach(() => {
  for (const op of Object.values(ops)) op.behave();
});
afterAll(async () => {
  await h.close();
  await Promise.all(Object.values(ops).map((op) => op.close()));
  await upstream.close();
});

const sessionsAt = async (provider: string, subs: string[]): Promise<number> =>
  (await Promise.all(subs.map((sub) => h.deps.store.listByUser(provider, sub)))).flat().length;

/** A sign-in against `provider` while its OP misbehaves as told. */
async function attempt(provider: OpName, misbehaviour: Misbehaviour, subs: string[] = ['eve']) {
  const op = ops[provider];
  op.misbehave(misbehaviour);
  const jar = new CookieJar();
  const before = await sessionsAt(provider, subs);
  const tokenCalls = op.requests.filter((path) => path === '/token').length;
  const result = await signInThroughEvil(h.request, jar, { provider, returnTo: '/dashboard' });
  return {
    ...result,
    jar,
    op,
    before,
    subs,
    provider,
    reachedTokenEndpoint: op.requests.filter((path) => path === '/token').length > tokenCalls,
  };
}

/** The one acceptable ending for a lie. */
async function expectRefused(outcome: Awaited<ReturnType<typeof attempt>>): Promise<void> {
  const { callback, jar, op, before, subs, provider } = outcome;
  expect(callback, 'the flow reached /auth/callback').not.toBeNull();
  expect(callback!.status).toBe(302);
  const location = callback!.headers.get('location')!;
  expect(location).toBe(`${SPA_ORIGIN}/?error=login_failed`);
  expect(sessionCookieOf(h, jar)).toBeUndefined();
  const seen = [location, await callback!.text(), ...callback!.headers.getSetCookie()].join('\n');
  for (const secret of [...op.issued, op.clientSecret]) expect(seen).not.toContain(secret);
  expect((await h.request('/api/session', { jar, headers: csrfHeaders })).status).toBe(401);
  expect(await sessionsAt(provider, subs)).toBe(before);
}

describe('a well-behaved provider (the control)', () => {
  it('signs eve in, so every refusal below is the lie being caught', async () => {
    const outcome = await attempt('evil', {});
    expect(outcome.callback!.headers.get('location')).toBe(`${SPA_ORIGIN}/dashboard`);
    seenSessionCookies.push(sessionCookieOf(h, outcome.jar)!);
    const session = await h.request('/api/session', { jar: outcome.jar, headers: csrfHeaders });
    expect(session.status).toBe(200);
    expect(await session.json()).toMatchObject({ provider: 'evil', user: { sub: 'eve' } });
  });
});

const claims = (change: (c: JWTPayload) => JWTPayload): Misbehaviour => ({ idToken: change });
const now = () => Math.floor(Date.now() / 1000);
const without =
  (name: keyof JWTPayload) =>
  (c: JWTPayload): JWTPayload => {
    const copy = { ...c };
    delete copy[name];
    return copy;
  };

describe('ID token lies are refused after the code exchange', () => {
  const cases: Array<[string, Misbehaviour]> = [
    [
      'a signature by an unpublished key under the published kid (rp-id_token-bad-sig-rs256)',
      { signing: 'wrong-key' },
    ],
    ['a payload changed after signing', { signing: 'tampered' }],
    ['alg none (rp-id_token-sig-none)', { signing: 'none' }],
    ['HS256 keyed with the client secret (rp-id_token-bad-sig-hs256)', { signing: 'hs256-client-secret' }],
    ['ES256 with a key the JWKS publishes, advertised but not pinned', { signing: 'es256' }],
    ['a kid the JWKS does not have', { signing: 'unknown-kid' }],
    ['a wrong aud (rp-id_token-aud)', claims((c) => ({ ...c, aud: 'someone-else' }))],
    ['no aud', claims(without('aud'))],
    ['an aud array without us', claims((c) => ({ ...c, aud: ['someone-else', 'another'] }))],
    [
      'an aud array with an untrusted extra audience and no azp',
      claims((c) => ({ ...c, aud: ['gatehouse', 'other'] })),
    ],
    ['an azp naming another client', claims((c) => ({ ...c, aud: ['gatehouse', 'other'], azp: 'other' }))],
    [
      'a wrong iss (rp-id_token-issuer-mismatch)',
      claims((c) => ({ ...c, iss: 'https://idp.other.example' })),
    ],
    ['no iss', claims(without('iss'))],
    ['an expired exp', claims((c) => ({ ...c, iat: now() - 600, exp: now() - 300 }))],
    ['no exp', claims(without('exp'))],
    ['no iat (rp-id_token-iat)', claims(without('iat'))],
    ['an iat an hour in the future', claims((c) => ({ ...c, iat: now() + 3600, exp: now() + 7200 }))],
    [
      'an iat two hours old (still unexpired)',
      claims((c) => ({ ...c, iat: now() - 7200, exp: now() + 300 })),
    ],
    ['an nbf in the future', claims((c) => ({ ...c, nbf: now() + 3600 }))],
    ['no sub (rp-id_token-sub)', claims(without('sub'))],
    ['a sub that is not a string', claims((c) => ({ ...c, sub: 42 as unknown as string }))],
    ['a wrong nonce (rp-nonce-invalid)', claims((c) => ({ ...c, nonce: 'not-the-nonce-we-sent' }))],
    ['no nonce', claims(without('nonce'))],
    ['no ID token at all', { tokenResponse: ({ id_token: _omit, ...rest }) => rest }],
  ];

  it.each(cases)('%s', async (_name, misbehaviour) => {
    const outcome = await attempt('evil', misbehaviour);
    expect(outcome.reachedTokenEndpoint).toBe(true);
    await expectRefused(outcome);
  });
});

describe('other provider lies', () => {
  it('refuses a UserInfo sub that differs from the ID token (rp-userinfo-bad-sub-claim)', async () => {
    const outcome = await attempt('evil', { userinfo: (c) => ({ ...c, sub: 'mallory' }) }, [
      'eve',
      'mallory',
    ]);
    await expectRefused(outcome);
    expect(h.logs.text).toContain('the user info could not be loaded');
  });

  it('refuses an authorization response without iss when the metadata promises it (RFC 9207)', async () => {
    const outcome = await attempt('evil', { authorizationIss: { omit: true } });
    expect(outcome.reachedTokenEndpoint).toBe(false);
    await expectRefused(outcome);
  });

  it('refuses an authorization response with another iss, before redeeming the code (mix-up)', async () => {
    const outcome = await attempt('evil', { authorizationIss: { value: 'https://idp.other.example' } });
    expect(outcome.reachedTokenEndpoint).toBe(false);
    await expectRefused(outcome);
  });

  it('refuses a token response that is an OAuth error', async () => {
    await expectRefused(await attempt('evil', { tokenResponse: () => ({ error: 'invalid_grant' }) }));
  });

  it('turns an authorization error with a valid state into a clear code, without echoing it', async () => {
    const outcome = await attempt('evil', { authorizationError: 'temporarily_unavailable' });
    expect(outcome.callback!.headers.get('location')).toBe(`${SPA_ORIGIN}/?error=login_failed`);
    expect(outcome.callback!.headers.get('location')).not.toContain('temporarily_unavailable');
    expect(sessionCookieOf(h, outcome.jar)).toBeUndefined();
  });

  it('refuses a provider whose discovery document names another issuer (rp-discovery-issuer-not-matching-config)', async () => {
    const jar = new CookieJar();
    const login = await h.request('/auth/login?provider=mismatch', { jar });
    expect(login.status).toBe(302);
    expect(login.headers.get('location')).toBe(`${SPA_ORIGIN}/?error=provider_unavailable`);
    // Discovery was read, and refused: nothing after it (no JWKS, no token request) was ever asked for.
    expect(ops.mismatch.requests).toContain('/.well-known/openid-configuration');
    expect(ops.mismatch.requests.filter((path) => path !== '/.well-known/openid-configuration')).toEqual([]);
    const listed = (await (await h.request('/auth/providers')).json()) as Array<{
      name: string;
      available: boolean;
    }>;
    expect(listed.find((p) => p.name === 'mismatch')?.available).toBe(false);
  });
});

describe('signing keys', () => {
  it('accepts an ID token without kid when the JWKS has a single key (rp-id_token-kid-absent-single-jwks)', async () => {
    ops['kidless-single'].misbehave({ jwks: 'without-kids', signing: 'no-kid' });
    const jar = new CookieJar();
    const { callback } = await signInThroughEvil(h.request, jar, { provider: 'kidless-single' });
    expect(callback!.headers.get('location')).toBe(`${SPA_ORIGIN}/`);
    expect(sessionCookieOf(h, jar)).toBeDefined();
    seenSessionCookies.push(sessionCookieOf(h, jar)!);
  });

  it('refuses an ID token without kid when several keys could have signed it (rp-id_token-kid-absent-multiple-jwks)', async () => {
    await expectRefused(await attempt('kidless-multi', { jwks: 'without-kids', signing: 'no-kid' }, ['eve']));
    expect(h.logs.text).toMatch(/sign-in failed/);
  });

  it('accepts a rotated signing key once the JWKS is refetched (rp-key-rotation-op-sign-key)', async () => {
    const op = ops.rotating;
    const first = new CookieJar();
    await signInThroughEvil(h.request, first, { provider: 'rotating' });
    expect(sessionCookieOf(h, first)).toBeDefined();
    const fetches = op.requests.filter((path) => path === '/jwks').length;

    await op.rotateKeys();
    // The JWKS is refetched for an unknown kid at most once a minute (a forged kid cannot make us hammer
    // the provider): a minute later, the new key is fetched and accepted.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 61_000 });
    try {
      const second = new CookieJar();
      const { callback } = await signInThroughEvil(h.request, second, { provider: 'rotating' });
      expect(callback!.headers.get('location')).toBe(`${SPA_ORIGIN}/`);
      expect(sessionCookieOf(h, second)).toBeDefined();
      seenSessionCookies.push(sessionCookieOf(h, first)!, sessionCookieOf(h, second)!);
    } finally {
      vi.useRealTimers();
    }
    expect(op.requests.filter((path) => path === '/jwks').length).toBe(fetches + 1);
  });

  it('refuses a new kid within a minute of the last JWKS fetch rather than refetch on demand', async () => {
    const op = ops.rotating;
    const fetches = op.requests.filter((path) => path === '/jwks').length;
    await op.rotateKeys();
    await expectRefused(await attempt('rotating', {}));
    expect(op.requests.filter((path) => path === '/jwks').length).toBe(fetches);
  });
});

describe('refresh responses that lie (the token refresh path)', () => {
  async function signedInWithApi(): Promise<CookieJar> {
    const jar = new CookieJar();
    await signInThroughEvil(h.request, jar, { provider: 'evil' });
    expect(sessionCookieOf(h, jar)).toBeDefined();
    seenSessionCookies.push(sessionCookieOf(h, jar)!);
    const first = await h.request('/api/proxy/echo/echo', { jar, headers: csrfHeaders });
    expect(first.status).toBe(200);
    h.clock.advance(45_000); // 15 s left on the 60 s access token: inside the refresh window
    return jar;
  }

  it('relays a refreshed token when the refresh is honest (the control)', async () => {
    const jar = await signedInWithApi();
    const refreshes = ops.evil.requests.filter((path) => path === '/token').length;
    const response = await h.request('/api/proxy/echo/echo', { jar, headers: csrfHeaders });
    expect(response.status).toBe(200);
    expect(ops.evil.requests.filter((path) => path === '/token').length).toBe(refreshes + 1);
  });

  it.each<[string, Misbehaviour]>([
    [
      'an ID token from another iss (oidcc-client-test-refresh-token-invalid-issuer)',
      { refreshIdToken: (c) => ({ ...c, iss: 'https://idp.other.example' }) },
    ],
    [
      'an ID token for another sub (oidcc-client-test-refresh-token-invalid-sub)',
      { refreshIdToken: (c) => ({ ...c, sub: 'mallory' }) },
    ],
    [
      'an ID token for another aud (oidcc-client-test-refresh-token-invalid-aud)',
      { refreshIdToken: (c) => ({ ...c, aud: 'someone-else' }) },
    ],
    ['an ID token with a bad signature', { signing: 'wrong-key' }],
    ['invalid_grant', { refreshError: 'invalid_grant' }],
  ])('ends the session on %s: 401, and the store forgets it', async (_name, misbehaviour) => {
    const jar = await signedInWithApi();
    const before = await sessionsAt('evil', ['eve']);
    ops.evil.misbehave(misbehaviour);
    const response = await h.request('/api/proxy/echo/echo', { jar, headers: csrfHeaders });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'unauthenticated' });
    expect((await h.request('/api/session', { jar, headers: csrfHeaders })).status).toBe(401);
    expect(await sessionsAt('evil', ['eve'])).toBe(before - 1);
    const body = JSON.stringify(
      await (await h.request('/api/session', { jar, headers: csrfHeaders })).json(),
    );
    for (const secret of ops.evil.issued) expect(body).not.toContain(secret);
  });
});

describe('what the BFF logged through all of the above', () => {
  it('holds no code, access, refresh or ID token, client secret or session id', () => {
    const logs = h.logs.text;
    if (process.env.DUMP_SIGNIN_FAILURES) {
      console.log(h.logs.lines.filter((l) => /sign-in failed|refresh refused/.test(l)).join('\n'));
    }
    expect(h.logs.lines.length).toBeGreaterThan(50);
    for (const [name, op] of Object.entries(ops)) {
      if (name !== 'mismatch') expect(op.issued.size).toBeGreaterThan(0);
      for (const secret of op.issued) expect(logs).not.toContain(secret);
      expect(logs).not.toContain(op.clientSecret);
    }
    expect(seenSessionCookies.length).toBeGreaterThan(3);
    for (const cookie of seenSessionCookies) expect(logs).not.toContain(cookie);
    // Every line is one JSON object with a level and, for requests, a request id.
    for (const line of h.logs.lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
    expect(
      h.logs.lines.filter((line) => line.includes('"msg":"request"')).every((l) => /"requestId"/.test(l)),
    ).toBe(true);
  });
});
