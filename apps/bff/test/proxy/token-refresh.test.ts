import { randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiConfig } from '../../src/config/providers-file.ts';
import { storeKeyFor } from '../../src/session/keys.ts';
import { createRedisStore } from '../../src/store/redis-store.ts';
import { openTokens, sealTokens } from '../../src/tokens/sealed-tokens.ts';
import { closeSharedAdmin, REDIS_URL, sharedAdmin } from '../store/redis-helpers.ts';
import type { RedisStoreOptions } from '../../src/store/redis-store.ts';
import { CookieJar } from '../support/cookie-jar.ts';
import { csrfHeaders, sessionCookieOf, startHarness, type Harness } from '../support/harness.ts';
import { topologiesOn } from '../support/redis-topology.ts';
import { startUpstream, echoApi } from '../support/upstream.ts';

/**
 * Access tokens are refreshed shortly before they expire, once per session however many calls arrive
 * together — in one process and across replicas sharing Redis. The IdP issues 60-second access tokens; the
 * BFF's clock is moved past the refresh point by hand.
 */
const API_AUDIENCE = 'http://localhost:4100'; // the dev IdP's default resource server
let upstream: Awaited<ReturnType<typeof startUpstream>>;
const apis = (): ApiConfig[] => [
  echoApi(upstream.url),
  {
    name: 'notes',
    baseUrl: `${upstream.url}/base`,
    provider: 'dev',
    methods: ['GET'],
    timeoutMs: 5000,
    resource: API_AUDIENCE,
    allowInsecureHttp: true,
  },
];

function countRefreshes(h: Harness): () => number {
  let count = 0;
  h.idp.provider!.on('grant.success', (ctx) => {
    const params = (ctx as { oidc?: { params?: { grant_type?: string } } }).oidc?.params;
    if (params?.grant_type === 'refresh_token') count += 1;
  });
  return () => count;
}

const relayedToken = async (response: Response): Promise<string> =>
  ((await response.json()) as { authorization: string }).authorization.replace(/^Bearer /, '');

beforeAll(async () => {
  upstream = await startUpstream();
});
afterAll(async () => {
  await upstream.close();
});

describe('in one process', () => {
  let h: Harness;
  let refreshes: () => number;
  beforeAll(async () => {
    h = await startHarness({ apis: apis(), accessTokenTtl: 60 });
    refreshes = countRefreshes(h);
  });
  afterAll(async () => {
    await h.close();
  });

  it('refreshes once for 25 parallel calls and relays the new token to all of them', async () => {
    const jar = new CookieJar();
    await h.signIn(jar);
    const before = await relayedToken(await h.request('/api/proxy/echo/echo', { jar, headers: csrfHeaders }));
    expect(refreshes()).toBe(0);

    h.clock.advance(45_000); // 15 s left: inside the 30 s refresh window
    const start = refreshes();
    const responses = await Promise.all(
      Array.from({ length: 25 }, () => h.request('/api/proxy/echo/echo', { jar, headers: csrfHeaders })),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(25).fill(200));
    const tokens = new Set(await Promise.all(responses.map(relayedToken)));
    expect(refreshes() - start).toBe(1);
    expect(tokens.size).toBe(1);
    expect([...tokens][0]).not.toBe(before);

    // The rotated refresh token was stored: a second refresh works too.
    h.clock.advance(45_000);
    expect((await h.request('/api/proxy/echo/echo', { jar, headers: csrfHeaders })).status).toBe(200);
    expect(refreshes() - start).toBe(2);
  });

  it('gets a token for the API resource (RFC 8707) once, and relays that JWT', async () => {
    const jar = new CookieJar();
    await h.signIn(jar);
    const start = refreshes();
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => h.request('/api/proxy/notes/echo', { jar, headers: csrfHeaders })),
    );
    expect(responses.every((r) => r.status === 200)).toBe(true);
    const tokens = new Set(await Promise.all(responses.map(relayedToken)));
    expect(tokens.size).toBe(1);
    expect(refreshes() - start).toBe(1);
    const claims = decodeJwt([...tokens][0]!);
    expect(claims.aud).toBe(API_AUDIENCE);
    expect(claims.sub).toBe('alice');
  });

  it('ends the session cleanly when the provider refuses the refresh (invalid_grant)', async () => {
    const jar = new CookieJar();
    await h.signIn(jar);
    const key = storeKeyFor(sessionCookieOf(h, jar)!);
    const s = (await h.deps.store.get(key))!;
    const tokens = openTokens(h.deps.cipher, s.tokens, 'dev', 'alice');
    await h.deps.store.update(key, {
      ...s,
      tokens: sealTokens(h.deps.cipher, { ...tokens, refreshToken: 'revoked' }, 'dev', 'alice'),
    });
    h.clock.advance(45_000);
    const response = await h.request('/api/proxy/echo/echo', { jar, headers: csrfHeaders });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'unauthenticated' });
    expect(await h.deps.store.get(key)).toBeNull();
    expect((await h.request('/api/session', { jar, headers: csrfHeaders })).status).toBe(401);
  });
});

describe('when the provider is down', () => {
  it('answers 503 and keeps the session', async () => {
    const h = await startHarness({ apis: apis(), accessTokenTtl: 60 });
    try {
      const jar = new CookieJar();
      await h.signIn(jar);
      await h.idp.close();
      h.clock.advance(45_000);
      const response = await h.request('/api/proxy/echo/echo', { jar, headers: csrfHeaders });
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ error: 'provider_unavailable' });
      expect((await h.request('/api/session', { jar, headers: csrfHeaders })).status).toBe(200);
    } finally {
      await h.close({ keepIdp: true });
    }
  });
});

/** Where the replicas' Redis is: store options, and how to delete what the test wrote. */
interface SharedRedis {
  options: Pick<RedisStoreOptions, 'url' | 'topology' | 'waitReplicas'>;
  cleanup(prefix: string): Promise<void>;
}

function describeAcrossReplicas(name: string, redis: () => Promise<SharedRedis>): void {
  describe(`across two replicas sharing ${name}`, () => {
    const prefix = `refresh-${randomBytes(4).toString('hex')}:`;
    let shared: SharedRedis | undefined;
    let a: Harness;
    let b: Harness;
    let refreshes: () => number;
    beforeAll(async () => {
      const where = (shared = await redis());
      const redisStore = (clock: { now: () => number }) =>
        createRedisStore({ ...where.options, clock: clock.now, keyPrefix: prefix });
      a = await startHarness({
        apis: apis(),
        accessTokenTtl: 60,
        env: { SESSION_STORE: 'redis' },
        store: redisStore,
      });
      refreshes = countRefreshes(a);
      b = await startHarness({
        apis: apis(),
        idp: a.idp,
        port: 0,
        env: { SESSION_STORE: 'redis' },
        store: redisStore,
      });
    });
    afterAll(async () => {
      await b.close();
      await a.close();
      await shared?.cleanup(prefix);
    });

    it('refreshes exactly once for 24 parallel calls split between the replicas', async () => {
      const jar = new CookieJar();
      await a.signIn(jar);
      a.clock.advance(45_000);
      b.clock.advance(45_000);
      const start = refreshes();
      const responses = await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          (i % 2 ? a : b).request('/api/proxy/echo/echo', { jar, headers: csrfHeaders }),
        ),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(24).fill(200));
      expect(new Set(await Promise.all(responses.map(relayedToken))).size).toBe(1);
      expect(refreshes() - start).toBe(1);
    });
  });
}

// Servers on ports 24220-24232, started by this file.
const topologies = topologiesOn(24220);
afterAll(() => topologies.stop(), 30_000);

describeAcrossReplicas('one Redis server', async () => {
  await sharedAdmin();
  return { options: { url: REDIS_URL }, cleanup: closeSharedAdmin };
});

for (const [name, start] of [
  ['Redis through Sentinel', topologies.sentinels],
  ['a Redis Cluster', topologies.cluster],
] as const) {
  describeAcrossReplicas(name, async () => {
    const redis = await start();
    return {
      options: { topology: redis.topology, waitReplicas: redis.topology.waitReplicas },
      cleanup: (prefix) => redis.deleteUnder(prefix),
    };
  });
}
