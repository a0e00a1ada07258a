import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { bucketOfKey, newSessionIdFor, storeKeyFor } from '../../src/session/keys.ts';
import { createRedisStore } from '../../src/store/redis-store.ts';
import type { RedisStore } from '../../src/store/redis-store.ts';
import { StoreUnavailableError } from '../../src/store/store.ts';
import type { Clock } from '../../src/clock.ts';
import { until } from '../support/redis-server.ts';
import { on, topologiesOn } from '../support/redis-topology.ts';
import type { RedisCluster, SentinelSet } from '../support/redis-topology.ts';
import { storedSession } from '../support/sessions.ts';
import { keysUnder } from './redis-helpers.ts';
import { describeSessionStore } from './store-suite.ts';
import type { StoreFactory } from './store-suite.ts';

/**
 * The shared store suite on Redis beyond one server: through Sentinel to a replicated master (every creation
 * and destruction waits for the replica), and on a Cluster of three masters (hash-tagged layout). Servers on
 * ports 24100-24112 (this file's part of the range), started on first use so that a failure to start
 * fails every test rather than skipping it.
 */
const RUN_PREFIX = `gatehouse-topo:${randomUUID()}:`;
const topologies = topologiesOn(24100);
afterAll(() => topologies.stop(), 30_000);

let counter = 0;

function factory(start: () => Promise<SentinelSet | RedisCluster>): StoreFactory {
  return async (clock: Clock) => {
    const redis = await start();
    const where = redis.topology;
    const keyPrefix = `${RUN_PREFIX}${counter++}:`;
    const opened: RedisStore[] = [];
    // Connected before use: a Cluster client first learns the slot map, which may take longer than one command.
    const open = async (): Promise<RedisStore> => {
      const store = createRedisStore({ topology: where, waitReplicas: where.waitReplicas, clock, keyPrefix });
      opened.push(store);
      await until(
        () => store.ping(),
        () => true,
        10_000,
      );
      return store;
    };
    const count = async (under: string): Promise<number> => {
      let total = 0;
      for (const port of await redis.dataPorts())
        total += (await on(port, (c) => keysUnder(c, under))).length;
      return total;
    };
    let current = await open();
    return {
      store: current,
      reopen: async () => {
        await current.close();
        current = await open();
        return current;
      },
      openPeer: () => open(),
      rawCount: async () => ({
        sessions: await count(`${keyPrefix}s:`),
        transactions: await count(`${keyPrefix}t:`),
      }),
      cleanup: async () => {
        for (const store of opened) await store.close();
        await redis.deleteUnder(keyPrefix);
      },
    };
  };
}

describeSessionStore('redis store via Sentinel', factory(topologies.sentinels), {
  persistent: true,
  shared: true,
});

describeSessionStore('redis store on a Cluster', factory(topologies.cluster), {
  persistent: true,
  shared: true,
  keysBoundToUser: true,
});

describe('redis store via Sentinel: what WAIT guarantees', () => {
  it('a creation no replica acknowledged fails (no cookie for a session a failover may lose)', async () => {
    const set = await topologies.sentinels();
    const topology = set.topology;
    const keyPrefix = `${RUN_PREFIX}wait:`;
    const store = createRedisStore({ topology, waitReplicas: 1, clock: Date.now, keyPrefix });
    await until(
      () => store.ping(),
      () => true,
      10_000,
    );
    const replica = set.replica.port === (await set.currentMaster()) ? set.master : set.replica;
    try {
      const frozen = storeKeyFor(newSessionIdFor('dev', 'alice'));
      replica.child.kill('SIGSTOP');
      try {
        await expect(store.set(frozen, storedSession(Date.now()))).rejects.toThrow(StoreUnavailableError);
      } finally {
        replica.child.kill('SIGCONT');
      }
      const key = storeKeyFor(newSessionIdFor('dev', 'alice'));
      await until(
        () => store.set(key, storedSession(Date.now())),
        () => true,
        5_000,
      );
      // Once set() answered, the replica has it: a failover now would not lose it.
      expect(await on(replica.port, (c) => c.exists(`${keyPrefix}s:${key}`))).toBe(1);
    } finally {
      await store.close();
      await set.deleteUnder(keyPrefix);
    }
  });
});

describe('redis store on a Cluster: one slot per user', () => {
  it("a user's sessions, index and sid index share a slot, and users spread over the masters", async () => {
    const c = await topologies.cluster();
    const topology = c.topology;
    const keyPrefix = `${RUN_PREFIX}slots:`;
    const store = createRedisStore({ topology, clock: Date.now, keyPrefix });
    // As the BFF's /readyz does before traffic: a loaded machine may take longer than one command timeout to
    // learn the slot map.
    await until(
      () => store.ping(),
      () => true,
      10_000,
    );
    try {
      const users = Array.from({ length: 24 }, (_, i) => `user-${i}`);
      for (const sub of users) {
        for (let i = 0; i < 2; i++) {
          await store.set(
            storeKeyFor(newSessionIdFor('dev', sub)),
            storedSession(Date.now(), {
              user: { sub, name: sub, email: null, picture: null },
              sid: `sid-${sub}`,
            }),
          );
        }
      }
      const perMaster: number[] = [];
      for (const port of await c.dataPorts()) {
        const keys = await on(port, (c) => keysUnder(c, keyPrefix));
        perMaster.push(keys.length);
        for (const key of keys.filter((k) => k.includes(':s:'))) {
          const slot = await on(port, (c) => c.call('CLUSTER', 'KEYSLOT', key));
          const bucket = bucketOfKey(key.slice(key.indexOf('}') + 1));
          expect(await on(port, (c) => c.call('CLUSTER', 'KEYSLOT', `{${bucket}}`))).toBe(slot);
        }
      }
      // Every master holds some users (24 users over 3 masters), each user's 2 sessions + 2 indexes together.
      expect(perMaster.every((n) => n > 0)).toBe(true);
      for (const sub of users.slice(0, 4)) expect(await store.listByUser('dev', sub)).toHaveLength(2);
      expect(await store.listBySid('dev', 'sid-user-3')).toHaveLength(2);
    } finally {
      await store.close();
      await c.deleteUnder(keyPrefix);
    }
  });
});

describe('redis store on a Cluster: resharding', () => {
  it("follows ASK while a user's slot migrates and MOVED once it has moved", async () => {
    const c = await topologies.cluster();
    const topology = c.topology;
    const keyPrefix = `${RUN_PREFIX}reshard:`;
    const store = createRedisStore({ topology, clock: Date.now, keyPrefix });
    await until(
      () => store.ping(),
      () => true,
      10_000,
    );
    const sub = 'resharded-user';
    const keys = [0, 1, 2, 3].map(() => storeKeyFor(newSessionIdFor('dev', sub)));
    const user = { sub, name: sub, email: null, picture: null };
    try {
      for (const key of keys) await store.set(key, storedSession(Date.now(), { user }));
      const tagSlot = Number(
        await on(c.masters[0]!.port, (r) => r.call('CLUSTER', 'KEYSLOT', `{${bucketOfKey(keys[0]!)}}`)),
      );
      const owner = async (port: number): Promise<boolean> =>
        on(port, async (r) => ((await r.call('CLUSTER', 'COUNTKEYSINSLOT', tagSlot)) as number) > 0);
      const source = (await Promise.all(c.masters.map((m) => owner(m.port)))).indexOf(true);
      const from = c.masters[source]!;
      const to = c.masters[(source + 1) % 3]!;
      const idOf = (port: number) => on(port, (r) => r.call('CLUSTER', 'MYID')) as Promise<string>;
      const [fromId, toId] = [await idOf(from.port), await idOf(to.port)];
      await on(to.port, (r) => r.call('CLUSTER', 'SETSLOT', tagSlot, 'IMPORTING', fromId));
      await on(from.port, (r) => r.call('CLUSTER', 'SETSLOT', tagSlot, 'MIGRATING', toId));
      const inSlot = (await on(from.port, (r) =>
        r.call('CLUSTER', 'GETKEYSINSLOT', tagSlot, 100),
      )) as string[];
      const mine = inSlot.filter((k) => k.startsWith(keyPrefix));
      const session0 = mine.find((k) => k.endsWith(keys[0]!))!;
      // Half-way: the first session has moved (the source answers ASK for it), the others have not.
      await on(from.port, (r) => r.call('MIGRATE', '127.0.0.1', to.port, '', 0, 5000, 'KEYS', session0));
      expect(await store.get(keys[0]!)).toMatchObject({ user });
      expect(await store.get(keys[1]!)).toMatchObject({ user });
      const rest = inSlot.filter((k) => k !== session0);
      if (rest.length > 0) {
        await on(from.port, (r) => r.call('MIGRATE', '127.0.0.1', to.port, '', 0, 5000, 'KEYS', ...rest));
      }
      for (const m of c.masters) await on(m.port, (r) => r.call('CLUSTER', 'SETSLOT', tagSlot, 'NODE', toId));
      // Moved: the client's slot map is stale, the old owner answers MOVED, and the scripts run on the new one.
      for (const key of keys) expect(await store.get(key)).toMatchObject({ user });
      expect(await store.listByUser('dev', sub)).toHaveLength(4);
      await store.destroy(keys[3]!);
      expect(await store.listByUser('dev', sub)).toHaveLength(3);
      expect(await owner(to.port)).toBe(true);
      expect(await owner(from.port)).toBe(false);
    } finally {
      await store.close();
      await c.deleteUnder(keyPrefix);
    }
  });
});
