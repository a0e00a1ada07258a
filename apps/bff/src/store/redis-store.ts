import { randomUUID } from 'node:crypto';
import { Cluster } from 'ioredis';
import type { Clock } from '../clock.ts';
import type { RedisTopology } from '../config/redis-topology.ts';
import { bucketOfKey, bucketOfUser } from '../session/keys.ts';
import { createRedisClient } from './redis-connection.ts';
import type { RedisClient } from './redis-connection.ts';
import type {
  BrowserAccounts,
  LoginTransaction,
  SessionIdleUpdate,
  SessionStore,
  StoredSession,
} from './store.ts';
import { decodeSession, encodeSession } from './redis-codec.ts';
import { StoreUnavailableError } from './store.ts';

/**
 * The shared session store for several BFF instances, on Redis ≥ 6.2 (GETDEL): one server, a Sentinel-watched
 * master, or a Cluster (`redis-connection.ts`). The scripts reach the indexes named inside a session hash, and the
 * other sessions an index names, so in a Cluster all of them must share one hash slot (below).
 *
 * Layout, under `keyPrefix` (default `gatehouse:`):
 * - `s:<key>`: a HASH per session of three fields: `d` (the session JSON without its tokens and times), `t` (its
 *   sealed tokens, packed as bytes: `redis-codec.ts`) and `m` (`<idle> <last> <abs> <length of ix> <ix><sx>`:
 *   the three times, epoch ms, then the names of its user index and of its sid index, if it has a sid). Few
 *   fields and binary tokens keep a session's footprint under the size of its JSON. The key expires with the
 *   session: PEXPIRE min(idle, abs) − now. Hashes of the layout before (`data`, `idle`, `last`, `abs`, `ix`,
 *   `sx`) are still read, touched and deleted; every write replaces one with the current layout.
 * - `u:<provider>:<sub>`: a ZSET per user: member = session key, score = that session's expiry. Dead members are
 *   pruned whenever the index is written or listed, and the index itself expires with its last member.
 *   (Provider names cannot contain ":", so the name is unambiguous.)
 * - `x:<provider>:<sid>`: the same, per provider session id (`sid`), for back-channel logout; hash field `sx`.
 * - `t:<id>`: a login transaction, JSON, with a PX TTL; taken with GETDEL, so exactly one taker wins.
 * - `a:<key>`: a browser's several accounts (`BrowserAccounts`), JSON, with a PX TTL. One key, read and written
 *   alone, so in a Cluster it may sit in any slot.
 *
 * In a Cluster every key of a user's sessions carries the hash tag `{<bucket>}`, 0-255 (`keys.ts`): the bucket of
 * a session key is its first byte, that of a user a hash of provider and subject, and a sign-in draws its session
 * id so that the two agree. So `s:{b}<key>`, `u:{b}<provider>:<sub>`, `x:{b}<provider>:<sid>` and the refresh lease
 * `l:{b}refresh:<key>` share one slot, and the scripts run unchanged. A back-channel logout naming only a `sid`
 * cannot know the user, so `y:<provider>:<sid>` (any slot) is the set of buckets holding that sid's indexes.
 * 256 buckets spread users over up to a few dozen masters; a lost master answers 503 for the users it serves.
 * Without a Cluster the layout is as above, untagged, so existing sessions stay readable.
 *
 * Writes that must not be lost on a failover — a session's creation and its destruction (a revocation that a
 * failover undid would bring the session back) — wait for `waitReplicas` replicas (`WAIT`); fewer within half
 * the command timeout is a `StoreUnavailableError`, so no cookie is handed out for a session that may vanish.
 * Decision 016 says what can still be lost.
 *
 * Every multi-key change is one Lua script, so it is atomic: `set`/`update` write hash and index together;
 * `touch` and `update` only write a session that exists and is alive by the caller's clock (passed in), so they
 * never resurrect one that a concurrent `destroy` removed; `destroy` drops the hash and its index members. Reads
 * enforce expiry with the injected clock too: a record dead by the clock is deleted and reads as null. TTLs are
 * set relative to that clock (PEXPIRE expiry − now), so a skew between the BFF's clock and Redis's does not
 * shorten or stretch sessions.
 *
 * Outages: no offline queue (a command while disconnected waits at most `commandTimeoutMs` for the connection
 * to come back, then fails), every command has a `commandTimeoutMs` timeout, reconnection goes on forever with
 * capped back-off, and every failure is thrown as `StoreUnavailableError`. Connection errors go to `onError`
 * (never unhandled). When Redis is back, the same store object works again. A command that timed out may still
 * have reached Redis and run there (a frozen server wakes up and executes what was sent); every write here is
 * safe to apply late, since none of them can resurrect a session.
 */

export interface RedisStoreOptions {
  /** `redis://` or `rediss://` URL; ignored when `client` or `topology` is given. */
  url?: string;
  /** Sentinel or Cluster (or one server); ignored when `client` is given. */
  topology?: RedisTopology;
  /**
   * A client to use instead of one created from `url`. The store then does not own it: `close()` leaves it
   * open, and the outage options above are the caller's business. It must not use ioredis's own `keyPrefix`.
   */
  client?: RedisClient;
  /** Replicas that must acknowledge a session's creation or destruction (`WAIT`); 0 waits for none. */
  waitReplicas?: number;
  clock: Clock;
  keyPrefix?: string;
  commandTimeoutMs?: number;
  /** Connection problems (logged by the caller, typically at warn). */
  onError?: (error: Error) => void;
}

export interface RedisStore extends SessionStore {
  readonly kind: 'redis';
  /** The underlying client (for diagnostics and tests). */
  readonly client: RedisClient;
  readonly keyPrefix: string;
}

const LUA_COMMON = `
local function expiry(idle, abs) return math.min(tonumber(idle), tonumber(abs)) end
local function ttl(at, now) return math.max(1, math.ceil(at - now)) end

-- The hash's 'm' field: "<idle> <last> <abs> <length of ix> <ix><sx>" (sx is '' without a sid index).
local function meta(idle, last, abs, ix, sx)
  return idle .. ' ' .. last .. ' ' .. abs .. ' ' .. string.len(ix) .. ' ' .. ix .. sx
end

-- A session hash's fields, from either layout: 'm', 'd', 't' (see redis-codec.ts), or the one before it,
-- 'data', 'idle', 'last', 'abs', 'ix', 'sx' (read until those sessions expire; never written any more).
-- s.found: the hash has any field; s.whole: it has every field a session needs; s.packed: the current layout.
local function load(h)
  local f = redis.call('HMGET', h, 'm', 'd', 't', 'data', 'idle', 'last', 'abs', 'ix', 'sx')
  local s = {found = f[1] or f[2] or f[3] or f[4] or f[5] or f[6] or f[7] or f[8] or f[9],
    idle = false, last = false, abs = false, ix = false, sx = false, d = false, t = false, packed = false}
  if f[1] or f[2] or f[3] then
    s.packed = true
    s.d, s.t = f[2], f[3]
    if f[1] then
      local idle, last, abs, n, names = string.match(f[1], '^(%S+) (%S+) (%S+) (%d+) (.*)$')
      if idle then
        n = tonumber(n)
        s.idle, s.last, s.abs, s.ix = idle, last, abs, string.sub(names, 1, n)
        if string.len(names) > n then s.sx = string.sub(names, n + 1) end
      end
    end
    s.whole = s.idle and s.d and s.t and true
  else
    s.d, s.idle, s.last, s.abs, s.ix, s.sx = f[4], f[5], f[6], f[7], f[8], f[9]
    s.t = ''
    s.whole = s.d and s.idle and s.last and s.abs and true
  end
  return s
end

-- Deletes a session hash and its members in both of its indexes.
local function remove(h, member)
  local s = load(h)
  redis.call('DEL', h)
  if s.ix then redis.call('ZREM', s.ix, member) end
  if s.sx then redis.call('ZREM', s.sx, member) end
end

-- Drops members of index ix (named in each hash as its ix or sx, per field) that are dead by the clock,
-- deleting their hashes, then lets the index expire with its longest-lived member.
local function tidy(ix, field, now, sp)
  local dead = redis.call('ZRANGEBYSCORE', ix, '-inf', now)
  for _, m in ipairs(dead) do
    local h = sp .. m
    local s = load(h)
    local mine = s[field] == ix
    if s.idle and s.abs and mine and expiry(s.idle, s.abs) > now then
      redis.call('ZADD', ix, expiry(s.idle, s.abs), m)
    else
      if mine then remove(h, m) end
      redis.call('ZREM', ix, m)
    end
  end
  local top = redis.call('ZRANGE', ix, -1, -1, 'WITHSCORES')
  if top[2] then redis.call('PEXPIRE', ix, ttl(tonumber(top[2]), now)) end
end

-- Writes the whole session (hash + indexes); answers 0 when the record is already dead (and keeps nothing).
-- sx is '' for a session without a provider sid.
local function write(h, ix, sx, d, t, idle, last, abs, member, now, sp)
  remove(h, member)
  local at = expiry(idle, abs)
  if at > now then
    redis.call('HSET', h, 'm', meta(idle, last, abs, ix, sx), 'd', d, 't', t)
    redis.call('PEXPIRE', h, ttl(at, now))
    redis.call('ZADD', ix, at, member)
    if sx ~= '' then redis.call('ZADD', sx, at, member) end
  end
  tidy(ix, 'ix', now, sp)
  if sx ~= '' then tidy(sx, 'sx', now, sp) end
  if at > now then return 1 end
  return 0
end
`;

const SCRIPTS = {
  // KEYS: lock. ARGV: owner token. Deletes the lock only if that owner still holds it.
  gatehouseLockRelease: {
    numberOfKeys: 1,
    lua: `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`,
  },
  // KEYS: hash. ARGV: now, member. Answers [d, t, idle, last, abs] (t '' for the older layout).
  gatehouseSessionGet: {
    numberOfKeys: 1,
    lua: `${LUA_COMMON}
local now = tonumber(ARGV[1])
local s = load(KEYS[1])
if not s.found then return false end
if not s.whole or expiry(s.idle, s.abs) <= now then
  remove(KEYS[1], ARGV[2])
  return false
end
return {s.d, s.t, s.idle, s.last, s.abs}`,
  },
  // KEYS: hash, user index, sid index. ARGV: d, t, idle, last, abs, member, now, session prefix, '1' when the
  // session has a sid index (else KEYS[3] is only a name in the same slot, as a Cluster wants every key to be).
  gatehouseSessionSet: {
    numberOfKeys: 3,
    lua: `${LUA_COMMON}
return write(KEYS[1], KEYS[2], ARGV[9] == '1' and KEYS[3] or '', ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], tonumber(ARGV[7]), ARGV[8])`,
  },
  // As set, but writes only over a live record.
  gatehouseSessionUpdate: {
    numberOfKeys: 3,
    lua: `${LUA_COMMON}
local now = tonumber(ARGV[7])
local s = load(KEYS[1])
if not (s.idle and s.abs) then return 0 end
if expiry(s.idle, s.abs) <= now then
  remove(KEYS[1], ARGV[6])
  return 0
end
return write(KEYS[1], KEYS[2], ARGV[9] == '1' and KEYS[3] or '', ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], now, ARGV[8])`,
  },
  // KEYS: hash. ARGV: now, lastSeenAt, idleExpiresAt, member, session prefix. Writes only over a live record.
  gatehouseSessionTouch: {
    numberOfKeys: 1,
    lua: `${LUA_COMMON}
local now = tonumber(ARGV[1])
local s = load(KEYS[1])
if not (s.idle and s.abs) then return 0 end
local at = expiry(ARGV[3], s.abs)
if expiry(s.idle, s.abs) <= now or at <= now then
  remove(KEYS[1], ARGV[4])
  return 0
end
if s.packed then
  redis.call('HSET', KEYS[1], 'm', meta(ARGV[3], ARGV[2], s.abs, s.ix or '', s.sx or ''))
else
  redis.call('HSET', KEYS[1], 'idle', ARGV[3], 'last', ARGV[2])
end
redis.call('PEXPIRE', KEYS[1], ttl(at, now))
if s.ix then
  redis.call('ZADD', s.ix, at, ARGV[4])
  tidy(s.ix, 'ix', now, ARGV[5])
end
if s.sx then
  redis.call('ZADD', s.sx, at, ARGV[4])
  tidy(s.sx, 'sx', now, ARGV[5])
end
return 1`,
  },
  // KEYS: a sid's buckets (Cluster only). ARGV: bucket, ttl ms. Adds the bucket; the set lives as long as its
  // longest-lived session.
  gatehouseSidBucket: {
    numberOfKeys: 1,
    lua: `redis.call('SADD', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1`,
  },
  // KEYS: hash. ARGV: member.
  gatehouseSessionDestroy: {
    numberOfKeys: 1,
    lua: `${LUA_COMMON}
remove(KEYS[1], ARGV[1])
return 1`,
  },
  // KEYS: index. ARGV: now, session prefix, which of a hash's index names this index is ('ix' or 'sx').
  // Answers [member, d, t, idle, last, abs, ...] for the live sessions.
  gatehouseSessionList: {
    numberOfKeys: 1,
    lua: `${LUA_COMMON}
local now = tonumber(ARGV[1])
tidy(KEYS[1], ARGV[3], now, ARGV[2])
local out = {}
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local s = load(ARGV[2] .. m)
  if s.whole and s[ARGV[3]] == KEYS[1] and expiry(s.idle, s.abs) > now then
    out[#out + 1] = m
    out[#out + 1] = s.d
    out[#out + 1] = s.t
    out[#out + 1] = s.idle
    out[#out + 1] = s.last
    out[#out + 1] = s.abs
  else
    redis.call('ZREM', KEYS[1], m)
  end
end
return out`,
  },
} as const;

type ScriptName = keyof typeof SCRIPTS;
// Each script also as `<name>Buffer` (ioredis adds it), answering Buffers: packed tokens are bytes, not UTF-8.
type ScriptClient = Record<
  ScriptName | `${ScriptName}Buffer`,
  (...args: Array<string | number | Buffer>) => Promise<unknown>
>;

/** Decodes the list script's flat answer, oldest first. */
function decodeList(
  flat: unknown,
  belongs: (session: StoredSession) => boolean,
): Array<[string, StoredSession]> {
  const items = Array.isArray(flat) ? (flat as unknown[]) : [];
  const result: Array<[string, StoredSession]> = [];
  for (let i = 0; i + 5 < items.length; i += 6) {
    const session = decodeSession(items[i + 1], items[i + 2], items[i + 3], items[i + 4], items[i + 5]);
    if (session && belongs(session)) result.push([String(items[i]), session]);
  }
  return result.sort(([ka, a], [kb, b]) => a.createdAt - b.createdAt || (ka < kb ? -1 : ka > kb ? 1 : 0));
}

function unavailable(error: unknown): StoreUnavailableError {
  if (error instanceof StoreUnavailableError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(`The Redis session store failed: ${detail}`, { cause: error });
}

export { redisRetryStrategy } from './redis-connection.ts';

export function createRedisStore(options: RedisStoreOptions): RedisStore {
  const { clock, keyPrefix = 'gatehouse:', commandTimeoutMs = 500, onError, waitReplicas = 0 } = options;
  if (!options.client && !options.url && !options.topology) {
    throw new TypeError('createRedisStore needs a url, a topology or a client.');
  }
  if (!(commandTimeoutMs > 0)) throw new RangeError('commandTimeoutMs must be positive.');

  const owned = !options.client;
  const client =
    options.client ??
    createRedisClient(
      options.topology ?? { mode: 'standalone', url: options.url!, waitReplicas },
      commandTimeoutMs,
    );
  const cluster = client instanceof Cluster;
  if (cluster && waitReplicas > 0) throw new TypeError('WAIT cannot be routed in a Redis Cluster.');
  if (cluster ? client.options.redisOptions?.keyPrefix : client.options.keyPrefix) {
    throw new TypeError('The Redis client must not use a keyPrefix of its own; pass keyPrefix to the store.');
  }
  for (const [name, definition] of Object.entries(SCRIPTS)) client.defineCommand(name, definition);
  const scripts = client as unknown as ScriptClient;

  const onConnectionError = (error: Error): void => onError?.(error);
  client.on('error', onConnectionError);

  // Callers waiting (each at most commandTimeoutMs) for the connection to become ready.
  const waiters = new Set<{ resolve: () => void; reject: (error: Error) => void }>();
  const onReady = (): void => {
    for (const waiter of waiters) waiter.resolve();
    waiters.clear();
  };
  client.on('ready', onReady);
  let closed = false;

  function whenReady(): Promise<void> | undefined {
    if (closed) throw new StoreUnavailableError('The Redis session store is closed.');
    if (client.status === 'ready') return undefined;
    if (client.status === 'end') throw new StoreUnavailableError('The Redis connection is closed.');
    if (client.status === 'wait') client.connect().catch(() => undefined); // a lazyConnect client passed in
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error: Error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new StoreUnavailableError(`Redis is not connected (${client.status}).`));
      }, commandTimeoutMs);
      waiters.add(waiter);
    });
  }

  async function run<T>(command: () => Promise<T>): Promise<T> {
    try {
      await whenReady();
      return await command();
    } catch (error) {
      throw unavailable(error);
    }
  }

  // The hash tag of a bucket, in a Cluster only (see the layout above).
  const tag = (bucket: number): string => (cluster ? `{${bucket}}` : '');
  const sessionPrefix = (bucket: number): string => `${keyPrefix}s:${tag(bucket)}`;
  const sessionKey = (key: string): string => `${sessionPrefix(bucketOfKey(key))}${key}`;
  const indexKey = (provider: string, sub: string): string =>
    `${keyPrefix}u:${tag(bucketOfUser(provider, sub))}${provider}:${sub}`;
  const sidIndexKey = (provider: string, sid: string, bucket: number): string =>
    `${keyPrefix}x:${tag(bucket)}${provider}:${sid}`;
  const sidBucketKey = (provider: string, sid: string): string => `${keyPrefix}y:${provider}:${sid}`;
  const txKey = (id: string): string => `${keyPrefix}t:${id}`;
  const accountsKey = (key: string): string => `${keyPrefix}a:${key}`;
  // A lease named after a session key (`refresh:<key>`) lives in that session's slot.
  const lockKey = (name: string): string => {
    const sessionOf = cluster ? /:([A-Za-z0-9_-]{43})$/.exec(name)?.[1] : undefined;
    return `${keyPrefix}l:${sessionOf ? tag(bucketOfKey(sessionOf)) : ''}${name}`;
  };

  const writeArgs = (key: string, session: StoredSession, now: number): Array<string | number | Buffer> => {
    const bucket = bucketOfUser(session.provider, session.user.sub);
    if (cluster && bucketOfKey(key) !== bucket) {
      // Not a store outage but a caller's mistake: a key not drawn with newSessionIdFor cannot share the slot.
      throw new TypeError(
        "A session key must fall in its user's bucket in a Redis Cluster (newSessionIdFor).",
      );
    }
    const { data, tokens, idle, last, abs } = encodeSession(session);
    return [
      sessionKey(key),
      indexKey(session.provider, session.user.sub),
      session.sid === null
        ? `${keyPrefix}x:${tag(bucket)}`
        : sidIndexKey(session.provider, session.sid, bucket),
      data,
      tokens,
      idle,
      last,
      abs,
      key,
      now,
      sessionPrefix(bucket),
      session.sid === null ? '0' : '1',
    ];
  };

  /** After a write that must survive a failover: enough replicas have it, or the caller is told it failed. */
  async function replicated(): Promise<void> {
    if (waitReplicas === 0 || cluster) return;
    // Half the command timeout: WAIT's own answer must come before the client gives up on the command.
    const acknowledged = await client.wait(waitReplicas, Math.max(1, Math.floor(commandTimeoutMs / 2)));
    if (acknowledged < waitReplicas) {
      throw new StoreUnavailableError(
        `Only ${acknowledged} of ${waitReplicas} Redis replicas acknowledged the write in time.`,
      );
    }
  }

  /** In a Cluster, where a back-channel logout naming only this sid finds its index. */
  async function rememberSidBucket(session: StoredSession, now: number): Promise<void> {
    if (!cluster || session.sid === null) return;
    const ttl = Math.ceil(session.absoluteExpiresAt - now);
    if (ttl <= 0) return;
    const bucket = bucketOfUser(session.provider, session.user.sub);
    await scripts.gatehouseSidBucket(sidBucketKey(session.provider, session.sid), bucket, ttl);
  }

  /** The list script's flat answers for a sid, from each bucket that holds sessions of it. */
  async function listSid(provider: string, sid: string): Promise<unknown[]> {
    const buckets = cluster ? (await client.smembers(sidBucketKey(provider, sid))).map(Number) : [0];
    const now = clock();
    const answers = await Promise.all(
      buckets.map(
        (bucket) =>
          scripts.gatehouseSessionListBuffer(
            sidIndexKey(provider, sid, bucket),
            now,
            sessionPrefix(bucket),
            'sx',
          ) as Promise<unknown>,
      ),
    );
    return answers.flatMap((flat) => (Array.isArray(flat) ? (flat as unknown[]) : []));
  }

  return {
    kind: 'redis',
    client,
    keyPrefix,

    get: (key) =>
      run(async () => {
        const found = (await scripts.gatehouseSessionGetBuffer(sessionKey(key), clock(), key)) as
          unknown[] | null;
        if (!found) return null;
        const [data, tokens, idle, last, abs] = found;
        return decodeSession(data, tokens, idle, last, abs);
      }),

    set: async (key, session) => {
      const now = clock();
      const args = writeArgs(key, session, now);
      return run(async () => {
        await scripts.gatehouseSessionSet(...args);
        await rememberSidBucket(session, now);
        await replicated();
      });
    },

    update: async (key, session) => {
      const now = clock();
      const args = writeArgs(key, session, now);
      return run(async () => {
        const written = (await scripts.gatehouseSessionUpdate(...args)) === 1;
        if (written) await rememberSidBucket(session, now);
        return written;
      });
    },

    touch: (key, update: SessionIdleUpdate) =>
      run(
        async () =>
          (await scripts.gatehouseSessionTouch(
            sessionKey(key),
            clock(),
            update.lastSeenAt,
            update.idleExpiresAt,
            key,
            sessionPrefix(bucketOfKey(key)),
          )) === 1,
      ),

    destroy: (key) =>
      run(async () => {
        await scripts.gatehouseSessionDestroy(sessionKey(key), key);
        await replicated();
      }),

    listByUser: (provider, sub) =>
      run(async () => {
        const flat = await scripts.gatehouseSessionListBuffer(
          indexKey(provider, sub),
          clock(),
          sessionPrefix(bucketOfUser(provider, sub)),
          'ix',
        );
        // Defence in depth: the index only ever holds this user's sessions.
        return decodeList(flat, (s) => s.provider === provider && s.user.sub === sub);
      }),

    listBySid: (provider, sid) =>
      run(async () => {
        const flat = await listSid(provider, sid);
        return decodeList(flat, (s) => s.provider === provider && s.sid === sid);
      }),

    getAccounts: (key) =>
      run(async () => {
        const raw = await client.get(accountsKey(key));
        if (raw === null) return null;
        let parsed: BrowserAccounts;
        try {
          parsed = JSON.parse(raw) as BrowserAccounts;
        } catch {
          return null;
        }
        return clock() >= parsed.expiresAt ? null : parsed;
      }),

    setAccounts: (key, accounts) =>
      run(async () => {
        const ttl = Math.ceil(accounts.expiresAt - clock());
        if (ttl <= 0) await client.del(accountsKey(key));
        else await client.set(accountsKey(key), JSON.stringify(accounts), 'PX', ttl);
      }),

    destroyAccounts: (key) =>
      run(async () => {
        await client.del(accountsKey(key));
      }),

    putTransaction: (id, tx: LoginTransaction, expiresAt) =>
      run(async () => {
        const ttl = Math.ceil(expiresAt - clock());
        if (ttl <= 0) {
          await client.del(txKey(id));
          return;
        }
        await client.set(txKey(id), JSON.stringify({ expiresAt, tx }), 'PX', ttl);
      }),

    takeTransaction: (id) =>
      run(async () => {
        const raw = await client.getdel(txKey(id));
        if (raw === null) return null;
        let parsed: { expiresAt: number; tx: LoginTransaction };
        try {
          parsed = JSON.parse(raw) as { expiresAt: number; tx: LoginTransaction };
        } catch {
          return null;
        }
        return clock() >= parsed.expiresAt ? null : parsed.tx;
      }),

    acquireLock: (name, ttlMs) =>
      run(async () => {
        const token = randomUUID();
        return (await client.set(lockKey(name), token, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX')) === 'OK'
          ? token
          : null;
      }),

    releaseLock: (name, token) =>
      run(async () => {
        await scripts.gatehouseLockRelease(lockKey(name), token);
      }),

    ping: () =>
      run(async () => {
        await client.ping();
      }),

    async close() {
      if (closed) return;
      closed = true;
      for (const waiter of waiters)
        waiter.reject(new StoreUnavailableError('The Redis session store is closed.'));
      waiters.clear();
      client.off('ready', onReady);
      if (!owned) return;
      try {
        await client.quit();
      } catch {
        client.disconnect();
      }
      // The 'error' listener stays: a late socket error after quit must not become an unhandled 'error' event.
    },
  };
}
