import { randomBytes } from 'node:crypto';
import { realisticSession, seedSessions } from '../fixtures/sessions.ts';
import {
  createMemoryStore,
  createRedisStore,
  createTokenCipher,
  parseConfig,
  type StoredSession,
} from '../gatehouse/bff.ts';
import { childOptions, serveParent } from '../servers/child.ts';

/**
 * Memory per session, in a process of its own (`--expose-gc`): `sessions` realistic sessions stored in the memory
 * store (the heap grown, after full collections) and in the Redis store (the sum of MEMORY USAGE over every key
 * the store wrote: session hashes and their indexes), each against the size of the sessions' JSON.
 */
export interface MeasureOptions {
  sessions: number;
  redisUrl: string;
  redisKeyPrefix: string;
}

export interface MemoryFigures {
  sessions: number;
  jsonBytesPerSession: number;
  heapBytesPerSession: number;
  redisBytesPerSession: number;
  redisKeysPerSession: number;
}

const options = childOptions<MeasureOptions>();
const collect = (): void => {
  if (!globalThis.gc) throw new Error('run with --expose-gc');
  for (let i = 0; i < 3; i++) globalThis.gc();
};

const cipher = createTokenCipher([{ id: 'bench', key: randomBytes(32) }]);
const policy = parseConfig({}).session;
const clock = (): number => Date.now();

/** Sessions of the same make as the load scenarios', summing their JSON sizes on the way into the store. */
function sessions(): { make: (index: number) => StoredSession; jsonBytes: () => number } {
  let bytes = 0;
  const now = clock();
  return {
    make(index) {
      const session = realisticSession(index, {
        cipher,
        policy,
        issuer: 'http://127.0.0.1:4000',
        audience: 'http://127.0.0.1/notes',
        now,
      });
      bytes += Buffer.byteLength(JSON.stringify(session));
      return session;
    },
    jsonBytes: () => bytes,
  };
}

async function inMemory(): Promise<{ heap: number; json: number }> {
  const made = sessions();
  collect();
  const before = process.memoryUsage().heapUsed;
  const store = createMemoryStore({ clock, sweepIntervalMs: 0 });
  await seedSessions(store, options.sessions, made.make); // the cookie values it answers are dropped
  collect();
  const heap = process.memoryUsage().heapUsed - before;
  await store.close();
  return { heap, json: made.jsonBytes() };
}

async function inRedis(): Promise<{ bytes: number; keys: number; json: number }> {
  const made = sessions();
  const store = createRedisStore({ url: options.redisUrl, clock, keyPrefix: options.redisKeyPrefix });
  try {
    await seedSessions(store, options.sessions, made.make);
    const { client } = store;
    let cursor = '0';
    let bytes = 0;
    const keys: string[] = [];
    do {
      const [next, batch] = await client.scan(cursor, 'MATCH', `${options.redisKeyPrefix}*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    const pipeline = client.pipeline();
    for (const key of keys) pipeline.call('MEMORY', 'USAGE', key, 'SAMPLES', '0');
    for (const [error, usage] of (await pipeline.exec()) ?? []) {
      if (error) throw error;
      bytes += Number(usage);
    }
    if (keys.length > 0) await client.unlink(...keys);
    return { bytes, keys: keys.length, json: made.jsonBytes() };
  } finally {
    await store.close();
  }
}

const memory = await inMemory();
const redis = await inRedis();
const n = options.sessions;
serveParent(0, {
  sessions: n,
  jsonBytesPerSession: memory.json / n,
  heapBytesPerSession: memory.heap / n,
  redisBytesPerSession: redis.bytes / n,
  redisKeysPerSession: redis.keys / n,
} satisfies MemoryFigures);
