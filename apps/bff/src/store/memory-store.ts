import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { ExpiryQueue } from './expiry-queue.ts';
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
 * (`maxSessions`, `maxTransactions`); when one is full, its dead entries go, then the entries closest to expiry
 * (oldest first on ties), so a stream of abandoned logins cannot grow it without bound. Each map keeps its
 * entries in an expiry queue, so both cost O(log n) an entry, not a scan or a sort of the whole map. Values are copied on the way in
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
  readonly seq: number;
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
  const locks = new Map<string, { value: string; expiresAt: number }>();
  const sessionQueue = new ExpiryQueue(sessions);
  const transactionQueue = new ExpiryQueue(transactions);
  const browserQueue = new ExpiryQueue(browsers);
  let seq = 0;
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

  const deleteTransaction = (id: string): void => void transactions.delete(id);
  const deleteBrowser = (key: string): void => void browsers.delete(key);

  /** Deletes the dead entries of one map, closest to expiry first; answers how many went. */
  function dropDead<T>(queue: ExpiryQueue<Entry<T>>, remove: (key: string) => void, now: number): number {
    let removed = 0;
    while (queue.peekExpiry() <= now) {
      remove(queue.pop()!.key);
      removed++;
    }
    return removed;
  }

  function sweep(): number {
    const now = clock();
    return (
      dropDead(sessionQueue, deleteSession, now) +
      dropDead(transactionQueue, deleteTransaction, now) +
      dropDead(browserQueue, deleteBrowser, now)
    );
  }

  /**
   * Makes room for one more entry in a full map: first drops its dead, then evicts the entries closest to
   * expiry (the first stored go first on ties). O(log n) an entry, amortised, from the expiry queue.
   */
  function makeRoom<T>(
    map: Map<string, Entry<T>>,
    queue: ExpiryQueue<Entry<T>>,
    cap: number,
    remove: (key: string) => void,
  ): void {
    if (map.size < cap) return;
    dropDead(queue, remove, clock());
    while (map.size >= cap) {
      const victim = queue.pop();
      if (!victim) return;
      remove(victim.key);
    }
  }

  function store<T>(
    map: Map<string, Entry<T>>,
    queue: ExpiryQueue<Entry<T>>,
    key: string,
    value: T,
    expiresAt: number,
  ): Entry<T> {
    const entry = { value, expiresAt, seq: seq++ };
    map.set(key, entry);
    queue.push(key, entry);
    return entry;
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
      makeRoom(sessions, sessionQueue, maxSessions, deleteSession);
      store(sessions, sessionQueue, key, value, expiresAt);
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
      sessionQueue.push(key, entry);
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
      store(sessions, sessionQueue, key, value, expiresAt);
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
      makeRoom(browsers, browserQueue, maxSessions, deleteBrowser);
      store(browsers, browserQueue, key, copy(accounts), accounts.expiresAt);
    },

    async destroyAccounts(key) {
      ensureOpen();
      browsers.delete(key);
    },

    async putTransaction(id, tx, expiresAt) {
      ensureOpen();
      transactions.delete(id);
      if (clock() >= expiresAt) return;
      makeRoom(transactions, transactionQueue, maxTransactions, deleteTransaction);
      store(transactions, transactionQueue, id, copy(tx), expiresAt);
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
      sessionQueue.clear();
      transactionQueue.clear();
      browserQueue.clear();
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
