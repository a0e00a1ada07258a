import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type {
  BrowserAccounts,
  LoginTransaction,
  SessionIdleUpdate,
  SessionStore,
  StoredSession,
} from './store.ts';
import { StoreUnavailableError } from './store.ts';

/**
 * An in-process session store.
 *
 * WARNING: for tests and local development only. Sessions live in this process's memory: they are lost on
 * restart and NOT shared between replicas, so a logout or revocation on one instance is not seen by another.
 * Use the file store (one instance) or the Redis store (several) anywhere else.
 *
 * Memory is bounded: dead entries are deleted when read and by a periodic sweep, and each map is capped
 * (`maxSessions`, `maxTransactions`); when one is full, the entries closest to expiry (oldest first on ties)
 * are evicted, so a stream of abandoned logins cannot grow it without bound. Values are copied on the way in
 * and out, so callers cannot mutate stored state. Sessions are indexed per user (`provider \n sub`) and per
 * provider session (`provider \n sid`), each name mapping to its store key, or to a Set of them once it has
 * several: almost every user and provider session has one, and a Set per entry cost more heap than the rest of
 * the index.
 */

export interface MemoryStoreOptions {
  clock: Clock;
  maxSessions?: number;
  maxTransactions?: number;
  /** How often dead entries are swept; 0 disables the timer. Default 60 s. */
  sweepIntervalMs?: number;
}

export interface MemoryStoreStats {
  sessions: number;
  transactions: number;
  users: number;
}

export interface MemoryStore extends SessionStore {
  readonly kind: 'memory';
  /** Entry counts, dead or alive (for tests and metrics); `users` counts per-user index entries. */
  stats(): MemoryStoreStats;
  /** Deletes every dead entry now; answers how many went. */
  sweep(): number;
}

/** Index name → the store key of its one session, or a Set of keys once there are several. */
type Index = Map<string, string | Set<string>>;

interface Entry<T> {
  value: T;
  expiresAt: number;
}

/** Index entry names: `<provider>\n<sub>` in the per-user map, `<provider>\n<sid>` in the per-sid map. */
const indexName = (provider: string, id: string): string => `${provider}\n${id}`;
/**
 * A deep copy of JSON-shaped data. Unlike structuredClone it shares the (immutable) strings instead of copying
 * them, so copying a session on every read costs a few small objects, not its few kilobytes of sealed tokens.
 */
function copy<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copy) as T;
  // Spread first (V8's fast object clone), then replace only the nested objects.
  const result = { ...value } as Record<string, unknown>;
  for (const key in result) {
    const field = result[key];
    if (typeof field === 'object' && field !== null) result[key] = copy(field);
  }
  return result as T;
}

const sessionExpiry = (s: { idleExpiresAt: number; absoluteExpiresAt: number }): number =>
  Math.min(s.idleExpiresAt, s.absoluteExpiresAt);

export function createMemoryStore(options: MemoryStoreOptions): MemoryStore {
  const { clock, maxSessions = 100_000, maxTransactions = 100_000, sweepIntervalMs = 60_000 } = options;
  if (!(maxSessions >= 1) || !(maxTransactions >= 1)) throw new RangeError('Store caps must be at least 1.');

  const sessions = new Map<string, Entry<StoredSession>>();
  const transactions = new Map<string, Entry<LoginTransaction>>();
  const browsers = new Map<string, Entry<BrowserAccounts>>();
  const byUser: Index = new Map();
  const bySid: Index = new Map();
  const locks = new Map<string, Entry<string>>();
  let closed = false;

  function addTo(map: Index, name: string, key: string): void {
    const keys = map.get(name);
    if (keys === undefined || keys === key) map.set(name, key);
    else if (typeof keys === 'string') map.set(name, new Set([keys, key]));
    else keys.add(key);
  }

  function removeFrom(map: Index, name: string, key: string): void {
    const keys = map.get(name);
    if (keys === key) map.delete(name);
    else if (typeof keys === 'object') {
      keys.delete(key);
      if (keys.size === 1) map.set(name, keys.values().next().value!);
    }
  }

  function index(key: string, session: StoredSession): void {
    addTo(byUser, indexName(session.provider, session.user.sub), key);
    if (session.sid !== null) addTo(bySid, indexName(session.provider, session.sid), key);
  }

  function unindex(key: string, session: StoredSession): void {
    removeFrom(byUser, indexName(session.provider, session.user.sub), key);
    if (session.sid !== null) removeFrom(bySid, indexName(session.provider, session.sid), key);
  }

  function deleteSession(key: string): void {
    const entry = sessions.get(key);
    if (!entry) return;
    sessions.delete(key);
    unindex(key, entry.value);
  }

  /** The live entry, or undefined; a dead one is deleted on the way. */
  function liveSession(key: string, now: number): Entry<StoredSession> | undefined {
    const entry = sessions.get(key);
    if (!entry) return undefined;
    if (now >= entry.expiresAt) {
      deleteSession(key);
      return undefined;
    }
    return entry;
  }

  /** The live sessions an index entry names, copied, oldest first; dead ones are deleted on the way. */
  function listFrom(keys: string | Set<string> | undefined): Array<[string, StoredSession]> {
    if (keys === undefined) return [];
    const now = clock();
    const result: Array<[string, StoredSession]> = [];
    for (const key of typeof keys === 'string' ? [keys] : [...keys]) {
      const entry = liveSession(key, now);
      if (entry) result.push([key, copy(entry.value)]);
    }
    return result.sort(([ka, a], [kb, b]) => a.createdAt - b.createdAt || (ka < kb ? -1 : ka > kb ? 1 : 0));
  }

  function sweep(): number {
    const now = clock();
    let removed = 0;
    for (const [key, entry] of sessions) {
      if (now >= entry.expiresAt) {
        deleteSession(key);
        removed++;
      }
    }
    for (const [id, entry] of transactions) {
      if (now >= entry.expiresAt) {
        transactions.delete(id);
        removed++;
      }
    }
    for (const [key, entry] of browsers) {
      if (now >= entry.expiresAt) {
        browsers.delete(key);
        removed++;
      }
    }
    return removed;
  }

  /**
   * Makes room for one more entry in a full map: first drops the dead, then evicts the entries closest to
   * expiry (insertion order breaks ties, so the oldest go first). Evicts in batches of 1% so a flood of inserts
   * costs O(log n) each, amortised, rather than a full scan per insert.
   */
  function makeRoom<T>(map: Map<string, Entry<T>>, cap: number, remove: (key: string) => void): void {
    if (map.size < cap) return;
    sweep();
    if (map.size < cap) return;
    const batch = Math.max(1, Math.ceil(cap / 100), map.size - cap + 1);
    const victims = [...map.entries()]
      .sort(([, a], [, b]) => a.expiresAt - b.expiresAt) // stable: ties keep insertion order
      .slice(0, batch);
    for (const [key] of victims) remove(key);
  }

  function ensureOpen(): void {
    if (closed) throw new StoreUnavailableError('The memory session store is closed.');
  }

  const timer = sweepIntervalMs > 0 ? setInterval(sweep, sweepIntervalMs) : undefined;
  timer?.unref();

  return {
    kind: 'memory',

    async get(key) {
      ensureOpen();
      const entry = liveSession(key, clock());
      return entry ? copy(entry.value) : null;
    },

    async set(key, session) {
      ensureOpen();
      const value = copy(session);
      const expiresAt = sessionExpiry(value);
      deleteSession(key);
      if (clock() >= expiresAt) return; // born dead: nothing to keep
      makeRoom(sessions, maxSessions, deleteSession);
      sessions.set(key, { value, expiresAt });
      index(key, value);
    },

    async touch(key, update: SessionIdleUpdate) {
      ensureOpen();
      const now = clock();
      const entry = liveSession(key, now);
      if (!entry) return false;
      entry.value.lastSeenAt = update.lastSeenAt;
      entry.value.idleExpiresAt = update.idleExpiresAt;
      entry.expiresAt = sessionExpiry(entry.value);
      if (now >= entry.expiresAt) {
        deleteSession(key);
        return false;
      }
      return true;
    },

    async update(key, session) {
      ensureOpen();
      const now = clock();
      if (!liveSession(key, now)) return false;
      const value = copy(session);
      const expiresAt = sessionExpiry(value);
      deleteSession(key); // re-indexes below, in case the user changed
      if (now >= expiresAt) return false;
      sessions.set(key, { value, expiresAt });
      index(key, value);
      return true;
    },

    async destroy(key) {
      ensureOpen();
      deleteSession(key);
    },

    async listByUser(provider, sub) {
      ensureOpen();
      return listFrom(byUser.get(indexName(provider, sub)));
    },

    async listBySid(provider, sid) {
      ensureOpen();
      return listFrom(bySid.get(indexName(provider, sid)));
    },

    async getAccounts(key) {
      ensureOpen();
      const entry = browsers.get(key);
      if (!entry) return null;
      if (clock() >= entry.expiresAt) {
        browsers.delete(key);
        return null;
      }
      return copy(entry.value);
    },

    async setAccounts(key, accounts) {
      ensureOpen();
      browsers.delete(key);
      if (clock() >= accounts.expiresAt) return;
      // Each record names sessions of the capped map: the same cap bounds it.
      makeRoom(browsers, maxSessions, (name) => browsers.delete(name));
      browsers.set(key, { value: copy(accounts), expiresAt: accounts.expiresAt });
    },

    async destroyAccounts(key) {
      ensureOpen();
      browsers.delete(key);
    },

    async putTransaction(id, tx, expiresAt) {
      ensureOpen();
      transactions.delete(id);
      if (clock() >= expiresAt) return;
      makeRoom(transactions, maxTransactions, (key) => transactions.delete(key));
      transactions.set(id, { value: copy(tx), expiresAt });
    },

    async takeTransaction(id) {
      ensureOpen();
      const entry = transactions.get(id);
      if (!entry) return null;
      transactions.delete(id);
      return clock() >= entry.expiresAt ? null : entry.value;
    },

    async acquireLock(name, ttlMs) {
      ensureOpen();
      const now = clock();
      const held = locks.get(name);
      if (held && held.expiresAt > now) return null;
      const token = randomUUID();
      locks.set(name, { value: token, expiresAt: now + ttlMs });
      return token;
    },

    async releaseLock(name, token) {
      ensureOpen();
      if (locks.get(name)?.value === token) locks.delete(name);
    },

    async ping() {
      ensureOpen();
    },

    async close() {
      closed = true;
      if (timer) clearInterval(timer);
      sessions.clear();
      transactions.clear();
      browsers.clear();
      byUser.clear();
      bySid.clear();
      locks.clear();
    },

    stats() {
      return { sessions: sessions.size, transactions: transactions.size, users: byUser.size };
    },

    sweep,
  };
}
