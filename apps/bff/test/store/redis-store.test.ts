import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { Redis as RedisClient } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newSessionId, newTransactionId, storeKeyFor } from '../../src/session/keys.ts';
import { packTokens, unpackTokens } from '../../src/store/redis-codec.ts';
import { createRedisStore } from '../../src/store/redis-store.ts';
import type { Clock } from '../../src/clock.ts';
import type { RedisStore } from '../../src/store/redis-store.ts';
import { StoreUnavailableError } from '../../src/store/store.ts';
import type { StoredSession } from '../../src/store/store.ts';
import { createTokenCipher } from '../../src/tokens/token-cipher.ts';
import { closeSharedAdmin, deleteUnder, keysUnder, REDIS_URL, sharedAdmin } from './redis-helpers.ts';
import { describeSessionStore } from './store-suite.ts';
import { storedSession } from '../support/sessions.ts';

/** Every key this file writes lives under this prefix; it is deleted afterwards. */
const RUN_PREFIX = `gatehouse-test:${randomUUID()}:`;
let admin: Redis;
let counter = 0;

afterAll(() => closeSharedAdmin(RUN_PREFIX));

describeSessionStore(
  'redis store',
  async (clock) => {
    admin = await sharedAdmin();
    const keyPrefix = `${RUN_PREFIX}${counter++}:`;
    const opened: RedisStore[] = [];
    const open = (): RedisStore => {
      const store = createRedisStore({ url: REDIS_URL, clock, keyPrefix });
      opened.push(store);
      return store;
    };
    let current = open();
    return {
      store: current,
      reopen: async () => {
        await current.close();
        current = open();
        return current;
      },
      openPeer: async () => open(),
      rawCount: async () => ({
        sessions: (await keysUnder(admin, `${keyPrefix}s:`)).length,
        transactions: (await keysUnder(admin, `${keyPrefix}t:`)).length,
      }),
      cleanup: async () => {
        for (const store of opened) await store.close();
        await deleteUnder(admin, keyPrefix);
      },
    };
  },
  { persistent: true, shared: true },
);

describe('redis store: layout, TTLs and pruning', () => {
  let now: number;
  const clock: Clock = () => now;
  let store: RedisStore;
  let prefix: string;

  beforeEach(async () => {
    admin = await sharedAdmin();
    now = Date.now();
    prefix = `${RUN_PREFIX}${counter++}:`;
    store = createRedisStore({ url: REDIS_URL, clock, keyPrefix: prefix });
  });

  afterEach(async () => {
    await store?.close();
    if (admin) await deleteUnder(admin, prefix);
  });

  const session = (overrides: Partial<StoredSession> = {}): StoredSession => storedSession(now, overrides);

  it('stores a session as a hash whose key carries its TTL, indexed by user and by sid', async () => {
    const key = storeKeyFor(newSessionId());
    await store.set(key, session({ idleExpiresAt: now + 60_000 }));
    const hashKey = `${prefix}s:${key}`;
    const userIndex = `${prefix}u:dev:alice`;
    const sidIndex = `${prefix}x:dev:sid-1`;

    const hash = await admin.hgetall(hashKey);
    expect(Object.keys(hash).sort()).toEqual(['d', 'm', 't']);
    expect(hash.m).toBe(
      `${now + 60_000} ${now} ${now + 28_800_000} ${userIndex.length} ${userIndex}${sidIndex}`,
    );
    expect(JSON.parse(hash.d!)).not.toHaveProperty('idleExpiresAt');
    expect(JSON.parse(hash.d!)).not.toHaveProperty('lastSeenAt');
    expect(JSON.parse(hash.d!)).not.toHaveProperty('tokens');
    expect(unpackTokens((await admin.hgetBuffer(hashKey, 't'))!)).toBe('sealed');

    for (const k of [hashKey, userIndex, sidIndex]) {
      const pttl = await admin.pttl(k);
      expect(pttl, k).toBeGreaterThan(55_000);
      expect(pttl, k).toBeLessThanOrEqual(60_000);
    }
    expect(await admin.zscore(userIndex, key)).toBe(String(now + 60_000));

    // touch moves the TTLs and the index score with the idle expiry
    expect(await store.touch(key, { lastSeenAt: now, idleExpiresAt: now + 600_000 })).toBe(true);
    expect(await admin.pttl(hashKey)).toBeGreaterThan(590_000);
    expect(await admin.pttl(userIndex)).toBeGreaterThan(590_000);
    expect(await admin.zscore(userIndex, key)).toBe(String(now + 600_000));

    // the index lives as long as its longest-lived member
    const longer = storeKeyFor(newSessionId());
    await store.set(longer, session({ idleExpiresAt: now + 3_600_000, sid: null }));
    expect(await admin.pttl(userIndex)).toBeGreaterThan(3_590_000);
    expect(await admin.hget(`${prefix}s:${longer}`, 'm')).not.toContain(`${prefix}x:`);

    await store.destroy(key);
    expect(await admin.exists(hashKey)).toBe(0);
    expect(await admin.zscore(userIndex, key)).toBeNull();
    expect(await admin.exists(sidIndex)).toBe(0);
  });

  it('reads, touches, lists and deletes a hash of the layout before packed tokens', async () => {
    const key = storeKeyFor(newSessionId());
    const hashKey = `${prefix}s:${key}`;
    const userIndex = `${prefix}u:dev:alice`;
    const sidIndex = `${prefix}x:dev:sid-1`;
    const { lastSeenAt, idleExpiresAt, absoluteExpiresAt, ...rest } = session();
    await admin.hset(hashKey, {
      data: JSON.stringify(rest),
      idle: idleExpiresAt,
      last: lastSeenAt,
      abs: absoluteExpiresAt,
      ix: userIndex,
      sx: sidIndex,
    });
    await admin.zadd(userIndex, idleExpiresAt, key);
    await admin.zadd(sidIndex, idleExpiresAt, key);

    expect(await store.get(key)).toEqual(session());
    expect(await store.touch(key, { lastSeenAt: now + 5, idleExpiresAt: now + 600_000 })).toBe(true);
    expect(await store.get(key)).toEqual(session({ lastSeenAt: now + 5, idleExpiresAt: now + 600_000 }));
    expect(await store.listBySid('dev', 'sid-1')).toEqual([
      [key, session({ lastSeenAt: now + 5, idleExpiresAt: now + 600_000 })],
    ]);
    await store.destroy(key);
    expect(await admin.exists(hashKey)).toBe(0);
    expect(await admin.exists(userIndex)).toBe(0);
    expect(await admin.exists(sidIndex)).toBe(0);
  });

  it('packs sealed tokens losslessly, whatever their segments', () => {
    for (const sealed of ['', 'sealed', 'v1.k1.AAAA.YWJj.Zg', 'a..b', 'v1.k1.AB', 'ü.😀.x-y_z', '.']) {
      expect(unpackTokens(packTokens(sealed))).toBe(sealed);
    }
    const sealed = createTokenCipher([{ id: 'k1', key: Buffer.alloc(32, 1) }]).seal('x'.repeat(2000));
    expect(packTokens(sealed).length).toBeLessThan(sealed.length * 0.8);
    expect(unpackTokens(Buffer.from('not packed'))).toBeNull();
  });

  it('gives transactions a PX TTL and takes them with GETDEL', async () => {
    const id = newTransactionId();
    await store.putTransaction(
      id,
      { provider: 'dev', browserBinding: 'b', codeVerifier: 'v', nonce: null, returnTo: '/', createdAt: now },
      now + 600_000,
    );
    const pttl = await admin.pttl(`${prefix}t:${id}`);
    expect(pttl).toBeGreaterThan(595_000);
    expect(pttl).toBeLessThanOrEqual(600_000);
    expect(await store.takeTransaction(id)).not.toBeNull();
    expect(await admin.exists(`${prefix}t:${id}`)).toBe(0);
  });

  it('prunes dead members from the user index (and deletes their hashes) when the index is written', async () => {
    const dying = storeKeyFor(newSessionId());
    const living = storeKeyFor(newSessionId());
    const userIndex = `${prefix}u:dev:alice`;
    await store.set(dying, session({ idleExpiresAt: now + 1_000 }));
    expect(await admin.zcard(userIndex)).toBe(1);
    now += 1_000;
    await store.set(living, session());
    expect(await admin.zrange(userIndex, 0, -1)).toEqual([living]);
    expect(await admin.exists(`${prefix}s:${dying}`)).toBe(0);
    expect(await admin.zrange(`${prefix}x:dev:sid-1`, 0, -1)).toEqual([living]);
  });

  it('drops index members whose hash Redis already expired', async () => {
    const key = storeKeyFor(newSessionId());
    await store.set(key, session());
    await admin.del(`${prefix}s:${key}`); // as if its TTL had run out
    expect(await store.listByUser('dev', 'alice')).toEqual([]);
    expect(await admin.exists(`${prefix}u:dev:alice`)).toBe(0);
  });

  // Tokens and cookie values at rest, as the product writes them: test/security/tokens-at-rest.test.ts.

  it('stores with different prefixes do not see each other', async () => {
    const other = createRedisStore({ url: REDIS_URL, clock, keyPrefix: `${RUN_PREFIX}${counter++}:` });
    try {
      const key = storeKeyFor(newSessionId());
      await store.set(key, session());
      expect(await other.get(key)).toBeNull();
      expect(await other.listByUser('dev', 'alice')).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('refuses a client with its own keyPrefix, and rejects work once closed', async () => {
    const client = new RedisClient(REDIS_URL, { keyPrefix: 'x:', lazyConnect: true });
    try {
      expect(() => createRedisStore({ client, clock })).toThrow(/keyPrefix/);
    } finally {
      client.disconnect();
    }
    const closed = createRedisStore({ url: REDIS_URL, clock, keyPrefix: prefix });
    await closed.close();
    await expect(closed.get('x')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(closed.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('works over a client the caller owns, and leaves it open on close', async () => {
    const client = new RedisClient(REDIS_URL);
    try {
      const borrowed = createRedisStore({ client, clock, keyPrefix: prefix });
      await borrowed.set('k', session());
      expect(await store.get('k')).toEqual(session());
      await borrowed.close();
      expect(await client.ping()).toBe('PONG');
    } finally {
      await client.quit();
    }
  });
});
