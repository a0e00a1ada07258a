import { generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newSession } from '../../src/session/lifetime.ts';
import { newSessionId, storeKeyFor } from '../../src/session/keys.ts';
import { EventStreamReader } from '../support/event-stream.ts';
import { SPA_ORIGIN, startHarness, type Harness } from '../support/harness.ts';
import { startMockProvider, type MockProvider } from '../support/mock-provider.ts';

const EVENT = { 'http://schemas.openid.net/event/backchannel-logout': {} };
let h: Harness;
let op: MockProvider;
let other: MockProvider;
/** Every logout token posted, to check afterwards that none reached the logs. */
const posted: string[] = [];

beforeAll(async () => {
  op = await startMockProvider();
  other = await startMockProvider();
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
      {
        name: 'other',
        label: 'Other',
        issuer: other.issuer,
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
  await other.close();
});

async function seed(
  sub: string,
  sid: string | null,
  provider = 'mock',
  id = newSessionId(),
): Promise<string> {
  const key = storeKeyFor(id);
  const now = h.clock.now();
  await h.deps.store.set(
    key,
    newSession(
      {
        provider,
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

const post = (body: string, type = 'application/x-www-form-urlencoded') => {
  posted.push(decodeURIComponent(body.replace(/^logout_token=/, '').split('&')[0] ?? ''));
  return h.request('/auth/backchannel-logout', { method: 'POST', body, headers: { 'content-type': type } });
};

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
  it("tells the ended session's open event stream: ended provider_logout", async () => {
    const id = newSessionId();
    await seed('erin', 'sid-9', 'mock', id);
    const response = await h.request('/api/session/events', {
      headers: { cookie: `${h.config.session.cookieName}=${id}`, Origin: SPA_ORIGIN },
    });
    expect(response.status).toBe(200);
    const reader = new EventStreamReader(response);
    expect((await reader.next()).event).toBe('session');
    const logout = await post(`logout_token=${await op.sign(claims({ sub: 'erin', sid: 'sid-9' }))}`);
    expect(logout.status).toBe(200);
    expect(await reader.next()).toEqual({ event: 'ended', data: { reason: 'provider_logout' } });
  });

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

  const refusedLikeTheSpecSays = async (response: Response): Promise<void> => {
    expect(response.status).toBe(400);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
    expect(await remaining()).toEqual([carol1, carol2, dave].sort());
  };

  it.each<[string, () => Promise<string>]>([
    [
      "another provider's key under our kid (§2.6 step 2)",
      () => op.sign(claims(), { key: other.privateKey }),
    ],
    [
      "another provider's key under its own kid (§2.6 step 2)",
      () => op.sign(claims(), { key: other.privateKey, kid: other.kid }),
    ],
    ['an aud array without us (§2.6 step 4)', () => op.sign(claims({ aud: ['someone-else', 'another'] }))],
    [
      'an iat an hour in the future (§2.6 step 4)',
      () => {
        const now = Math.floor(h.clock.now() / 1000);
        return op.sign(claims({ iat: now + 3600, exp: now + 7200 }));
      },
    ],
    [
      'an iat older than ten minutes, though unexpired',
      () => {
        const now = Math.floor(h.clock.now() / 1000);
        return op.sign(claims({ iat: now - 3600, exp: now + 600 }));
      },
    ],
    [
      'a sid that is not a string (it must not widen to every session of sub)',
      () => op.sign(claims({ sid: 1 as unknown as string })),
    ],
    ['a sub that is not a string', () => op.sign(claims({ sub: 7 as unknown as string, sid: undefined }))],
    ['an empty jti', () => op.sign(claims({ jti: '' }))],
    ['a jti that is not a string', () => op.sign(claims({ jti: 12 as unknown as string }))],
  ])('refuses a logout token with %s: 400, no-store, nothing removed', async (_name, make) => {
    await refusedLikeTheSpecSays(await post(`logout_token=${encodeURIComponent(await make())}`));
  });

  it('accepts an aud array that includes us', async () => {
    const response = await post(`logout_token=${await op.sign(claims({ aud: ['gatehouse', 'another'] }))}`);
    expect(response.status).toBe(200);
    expect(await remaining()).toEqual([carol2, dave].sort());
  });

  it('refuses a replayed jti (§2.6 step 8): the second delivery removes nothing', async () => {
    const token = await op.sign(claims({ sub: undefined, sid: 'sid-1' }));
    expect((await post(`logout_token=${token}`)).status).toBe(200);
    expect(await remaining()).toEqual([carol2, dave].sort());
    const again = await seed('carol', 'sid-1'); // the user signs in again, same provider session
    const replay = await post(`logout_token=${token}`);
    expect(replay.status).toBe(400);
    expect(replay.headers.get('cache-control')).toBe('no-store');
    expect(await remaining()).toEqual([again, carol2, dave].sort());
  });

  it("removes only what it names at its own provider: another provider's sid and sub stay", async () => {
    const elsewhere = await seed('carol', 'sid-1', 'other');
    const response = await post(`logout_token=${await other.sign(claims({ iss: other.issuer }))}`);
    expect(response.status).toBe(200);
    expect(await h.deps.store.get(elsewhere)).toBeNull();
    expect(await remaining()).toEqual([carol1, carol2, dave].sort());
  });

  it('answers an oversized body with 413 JSON and no-store', async () => {
    const response = await post(`logout_token=${'a'.repeat(40 * 1024)}`);
    expect(response.status).toBe(413);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toMatchObject({ error: 'payload_too_large' });
    expect(await remaining()).toEqual([carol1, carol2, dave].sort());
  });

  it('refuses other methods', async () => {
    expect((await h.request('/auth/backchannel-logout')).status).toBe(405);
  });

  it('never logs a logout token, valid or not', () => {
    expect(posted.filter((token) => token.length > 20).length).toBeGreaterThan(20);
    for (const token of posted.filter((t) => t.length > 20)) expect(h.logs.text).not.toContain(token);
    expect(h.logs.text).toContain('back-channel logout refused');
  });
});
