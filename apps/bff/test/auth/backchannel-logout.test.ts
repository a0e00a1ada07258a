import { generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newSession } from '../../src/session/lifetime.ts';
import { newSessionId, storeKeyFor } from '../../src/session/keys.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { startMockProvider, type MockProvider } from '../support/mock-provider.ts';

const EVENT = { 'http://schemas.openid.net/event/backchannel-logout': {} };
let h: Harness;
let op: MockProvider;

beforeAll(async () => {
  op = await startMockProvider();
  h = await startHarness({
    providers: () => [
      {
        name: 'mock',
        label: 'Mock',
        issuer: op.issuer,
        clientId: 'gatehouse',
        clientSecret: 's',
        allowInsecureHttp: true,
      },
    ],
  });
});
afterAll(async () => {
  await h.close();
  await op.close();
});

async function seed(sub: string, sid: string | null): Promise<string> {
  const key = storeKeyFor(newSessionId());
  const now = h.clock.now();
  await h.deps.store.set(
    key,
    newSession(
      {
        provider: 'mock',
        user: { sub, name: sub, email: null, picture: null },
        sid,
        userAgent: null,
        tokens: 'v1.test.sealed',
        accessTokenExpiresAt: null,
      },
      now,
      h.deps.config.session,
    ),
  );
  return key;
}

function claims(overrides: JWTPayload = {}): JWTPayload {
  const now = Math.floor(h.clock.now() / 1000);
  return {
    iss: op.issuer,
    aud: 'gatehouse',
    iat: now,
    exp: now + 120,
    jti: `jti-${Math.random()}`,
    sub: 'carol',
    sid: 'sid-1',
    events: EVENT,
    ...overrides,
  };
}

const post = (body: string, type = 'application/x-www-form-urlencoded') =>
  h.request('/auth/backchannel-logout', { method: 'POST', body, headers: { 'content-type': type } });

let carol1: string;
let carol2: string;
let dave: string;
beforeEach(async () => {
  for (const [key] of [
    ...(await h.deps.store.listByUser('mock', 'carol')),
    ...(await h.deps.store.listByUser('mock', 'dave')),
  ]) {
    await h.deps.store.destroy(key);
  }
  carol1 = await seed('carol', 'sid-1');
  carol2 = await seed('carol', 'sid-2');
  dave = await seed('dave', 'sid-3');
});

async function remaining(): Promise<string[]> {
  const keys = [
    ...(await h.deps.store.listByUser('mock', 'carol')),
    ...(await h.deps.store.listByUser('mock', 'dave')),
  ].map(([key]) => key);
  return keys.sort();
}

describe('POST /auth/backchannel-logout', () => {
  it('removes only the session named by sid', async () => {
    const response = await post(`logout_token=${await op.sign(claims())}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await remaining()).toEqual([carol2, dave].sort());
  });

  it('removes every session of sub when there is no sid', async () => {
    const response = await post(`logout_token=${await op.sign(claims({ sid: undefined }))}`);
    expect(response.status).toBe(200);
    expect(await remaining()).toEqual([dave]);
  });

  it('removes by sid alone when there is no sub', async () => {
    const response = await post(`logout_token=${await op.sign(claims({ sub: undefined, sid: 'sid-2' }))}`);
    expect(response.status).toBe(200);
    expect(await remaining()).toEqual([carol1, dave].sort());
  });

  const defects: Array<[string, () => Promise<string>]> = [
    [
      'a wrong signature',
      async () => {
        const { privateKey } = await generateKeyPair('RS256');
        return op.sign(claims(), { key: privateKey });
      },
    ],
    [
      'alg none',
      async () => {
        const enc = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
        return `${enc({ alg: 'none', typ: 'logout+jwt' })}.${enc(claims())}.`;
      },
    ],
    [
      'HS256 signed with the client secret',
      async () =>
        new SignJWT(claims())
          .setProtectedHeader({ alg: 'HS256', typ: 'logout+jwt' })
          .sign(new TextEncoder().encode('s')),
    ],
    ['a wrong issuer', () => op.sign(claims({ iss: 'https://evil.example' }))],
    ['a wrong audience', () => op.sign(claims({ aud: 'someone-else' }))],
    ['no audience', () => op.sign(claims({ aud: undefined }))],
    [
      'an expired token',
      () =>
        op.sign(
          claims({
            exp: Math.floor(h.clock.now() / 1000) - 3600,
            iat: Math.floor(h.clock.now() / 1000) - 7200,
          }),
        ),
    ],
    ['no iat', () => op.sign(claims({ iat: undefined }))],
    ['no exp', () => op.sign(claims({ exp: undefined }))],
    ['no jti', () => op.sign(claims({ jti: undefined }))],
    ['no events claim', () => op.sign(claims({ events: undefined }))],
    ['a wrong event', () => op.sign(claims({ events: { 'http://schemas.openid.net/event/other': {} } }))],
    [
      'an event that is not an object',
      () => op.sign(claims({ events: { 'http://schemas.openid.net/event/backchannel-logout': 'yes' } })),
    ],
    ['a nonce', () => op.sign(claims({ nonce: 'n' }))],
    ['neither sub nor sid', () => op.sign(claims({ sub: undefined, sid: undefined }))],
    ['an ID token typ', () => op.sign(claims(), { typ: 'JWT+id' })],
    ['garbage', async () => 'not-a-jwt'],
  ];

  it.each(defects)('refuses a logout token with %s: 400, no-store, nothing removed', async (_name, make) => {
    const response = await post(`logout_token=${encodeURIComponent(await make())}`);
    expect(response.status).toBe(400);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
    expect(await remaining()).toEqual([carol1, carol2, dave].sort());
  });

  it('refuses a missing token, JSON bodies and duplicates', async () => {
    expect((await post('')).status).toBe(400);
    const token = await op.sign(claims());
    expect((await post(JSON.stringify({ logout_token: token }), 'application/json')).status).toBe(400);
    expect((await post(`logout_token=${token}&logout_token=${token}`)).status).toBe(400);
    expect(await remaining()).toEqual([carol1, carol2, dave].sort());
  });
});
