import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
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
 * The embedded session store (the default): one SQLite file (WAL mode) via better-sqlite3, so sessions survive
 * a restart. For a single BFF instance; several instances need the Redis store.
 *
 * Layout: `sessions(key, provider, sub, sid, created_at, absolute_expires_at, expires_at, data)` where `data` is
 * the whole `StoredSession` as JSON and `expires_at = min(idleExpiresAt, absoluteExpiresAt)`; indexes on
 * `(provider, sub)`, `(provider, sid)` and `expires_at`. `touch` rewrites only the idle fields (json_set). `transactions(id, expires_at, data)`; `browsers(key,
 * expires_at, data)` (a browser's several accounts). Dead rows are deleted when read and by
 * a periodic sweep. Every SQLite failure surfaces as `StoreUnavailableError`.
 *
 * better-sqlite3 is synchronous, so each method runs to completion without interleaving with another in this
 * process; the statements that must be atomic are single statements or explicit transactions anyway.
 */

export interface FileStoreOptions {
  /** The database file; its directory is created when missing. */
  path: string;
  clock: Clock;
  /** How often dead rows are swept; 0 disables the timer. Default 60 s. */
  sweepIntervalMs?: number;
  /** Told about failures of the background sweep (which has no caller to throw to). */
  onError?: (error: Error) => void;
}

export interface FileStore extends SessionStore {
  readonly kind: 'file';
  /** Deletes every dead row now; answers how many went. */
  sweep(): Promise<number>;
}

interface SessionParams {
  key: string;
  provider: string;
  sub: string;
  sid: string | null;
  created: unknown;
  abs: unknown;
  exp: unknown;
  data: string;
}

function decodeRows(rows: Array<{ key: string; data: string }>): Array<[string, StoredSession]> {
  const result: Array<[string, StoredSession]> = [];
  for (const { key, data } of rows) {
    const session = parse<StoredSession>(data);
    if (session) result.push([key, session]);
  }
  return result;
}

interface SessionRow {
  expires_at: number;
  data: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sessions (
  key TEXT PRIMARY KEY NOT NULL,
  provider TEXT NOT NULL,
  sub TEXT NOT NULL,
  sid TEXT,
  created_at INTEGER NOT NULL,
  absolute_expires_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (provider, sub);
CREATE INDEX IF NOT EXISTS sessions_by_sid ON sessions (provider, sid) WHERE sid IS NOT NULL;
CREATE INDEX IF NOT EXISTS sessions_by_expiry ON sessions (expires_at);
CREATE TABLE IF NOT EXISTS transactions (
  id TEXT PRIMARY KEY NOT NULL,
  expires_at INTEGER NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS transactions_by_expiry ON transactions (expires_at);
CREATE TABLE IF NOT EXISTS browsers (
  key TEXT PRIMARY KEY NOT NULL,
  expires_at INTEGER NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS browsers_by_expiry ON browsers (expires_at);
CREATE TABLE IF NOT EXISTS locks (
  name TEXT PRIMARY KEY NOT NULL,
  token TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
`;

/** Integral times bind as SQLite INTEGERs (plain JS numbers bind as REAL, which json_set would print as `1.0`). */
const int = (n: number): number | bigint => (Number.isSafeInteger(n) ? BigInt(n) : n);
const sessionExpiry = (s: { idleExpiresAt: number; absoluteExpiresAt: number }): number =>
  Math.min(s.idleExpiresAt, s.absoluteExpiresAt);

function unavailable(error: unknown): StoreUnavailableError {
  if (error instanceof StoreUnavailableError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(`The session file store failed: ${detail}`, { cause: error });
}

function parse<T>(json: string): T | null {
  try {
    return JSON.parse(json) as T;
  } catch {
    return null;
  }
}

function open(path: string): Database.Database {
  if (path !== ':memory:' && path !== '') {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // Create the file owner-only before SQLite does (its -wal and -shm files inherit these permissions).
    closeSync(openSync(path, 'a', 0o600));
  }
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 1000');
    // Reads straight from the mapped file instead of a read() per page: the default 2 MiB page cache holds a few
    // hundred sessions, so past that every lookup was several system calls.
    db.pragma('mmap_size = 268435456');
    db.exec(SCHEMA);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

export function createFileStore(options: FileStoreOptions): FileStore {
  const { path, clock, sweepIntervalMs = 60_000, onError } = options;
  let db: Database.Database;
  try {
    db = open(path);
  } catch (error) {
    throw unavailable(error);
  }

  // Statements with RETURNING are run with `.all()`, never `.get()`: `.get()` stops at the first row and resets
  // the statement, and although the change commits, SQLite runs its WAL auto-checkpoint only when a statement
  // reaches its end. Every touch made that way grew the WAL for good (130 MB after 10,000 touches, each read
  // three times slower as it searched it); test/store/file-store.test.ts keeps the WAL bounded.
  const q = {
    get: db.prepare<[string], SessionRow>('SELECT expires_at, data FROM sessions WHERE key = ?'),
    upsert: db.prepare<[SessionParams]>(
      `INSERT INTO sessions (key, provider, sub, sid, created_at, absolute_expires_at, expires_at, data)
       VALUES (@key, @provider, @sub, @sid, @created, @abs, @exp, @data)
       ON CONFLICT (key) DO UPDATE SET provider = excluded.provider, sub = excluded.sub, sid = excluded.sid,
         created_at = excluded.created_at, absolute_expires_at = excluded.absolute_expires_at,
         expires_at = excluded.expires_at, data = excluded.data`,
    ),
    replaceIfAlive: db.prepare<[SessionParams & { now: unknown }]>(
      `UPDATE sessions SET provider = @provider, sub = @sub, sid = @sid, created_at = @created, absolute_expires_at = @abs,
         expires_at = @exp, data = @data
       WHERE key = @key AND expires_at > @now`,
    ),
    touch: db.prepare<[{ key: string; last: unknown; idle: unknown; now: unknown }], { expires_at: number }>(
      `UPDATE sessions
       SET data = json_set(data, '$.lastSeenAt', @last, '$.idleExpiresAt', @idle),
           expires_at = min(@idle, absolute_expires_at)
       WHERE key = @key AND expires_at > @now
       RETURNING expires_at`,
    ),
    delete: db.prepare<[string]>('DELETE FROM sessions WHERE key = ?'),
    deleteIfDead: db.prepare<[string, unknown]>('DELETE FROM sessions WHERE key = ? AND expires_at <= ?'),
    listByUser: db.prepare<[string, string, unknown], { key: string; data: string }>(
      `SELECT key, data FROM sessions WHERE provider = ? AND sub = ? AND expires_at > ?
       ORDER BY created_at, key`,
    ),
    deleteDeadOfUser: db.prepare<[string, string, unknown]>(
      'DELETE FROM sessions WHERE provider = ? AND sub = ? AND expires_at <= ?',
    ),
    listBySid: db.prepare<[string, string, unknown], { key: string; data: string }>(
      `SELECT key, data FROM sessions WHERE provider = ? AND sid = ? AND expires_at > ?
       ORDER BY created_at, key`,
    ),
    deleteDeadOfSid: db.prepare<[string, string, unknown]>(
      'DELETE FROM sessions WHERE provider = ? AND sid = ? AND expires_at <= ?',
    ),
    putTx: db.prepare<[string, unknown, string]>(
      `INSERT INTO transactions (id, expires_at, data) VALUES (?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET expires_at = excluded.expires_at, data = excluded.data`,
    ),
    deleteTx: db.prepare<[string]>('DELETE FROM transactions WHERE id = ?'),
    takeTx: db.prepare<[string], { expires_at: number; data: string }>(
      'DELETE FROM transactions WHERE id = ? RETURNING expires_at, data',
    ),
    getAccounts: db.prepare<[string], { expires_at: number; data: string }>(
      'SELECT expires_at, data FROM browsers WHERE key = ?',
    ),
    putAccounts: db.prepare<[string, unknown, string]>(
      `INSERT INTO browsers (key, expires_at, data) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at, data = excluded.data`,
    ),
    deleteAccounts: db.prepare<[string]>('DELETE FROM browsers WHERE key = ?'),
    sweepAccounts: db.prepare<[unknown]>('DELETE FROM browsers WHERE expires_at <= ?'),
    sweepSessions: db.prepare<[unknown]>('DELETE FROM sessions WHERE expires_at <= ?'),
    sweepTx: db.prepare<[unknown]>('DELETE FROM transactions WHERE expires_at <= ?'),
    ping: db.prepare<[], { ok: number }>('SELECT 1 AS ok'),
  };

  const row = (key: string, s: StoredSession): SessionParams => ({
    key,
    provider: s.provider,
    sub: s.user.sub,
    sid: s.sid,
    created: int(s.createdAt),
    abs: int(s.absoluteExpiresAt),
    exp: int(sessionExpiry(s)),
    data: JSON.stringify(s),
  });

  const sweepNow = db.transaction((now: number): number => {
    return (
      q.sweepSessions.run(int(now)).changes +
      q.sweepTx.run(int(now)).changes +
      q.sweepAccounts.run(int(now)).changes
    );
  });

  const update = db.transaction((key: string, session: StoredSession, now: number): boolean => {
    if (q.replaceIfAlive.run({ ...row(key, session), now: int(now) }).changes === 0) return false;
    if (now >= sessionExpiry(session)) {
      q.delete.run(key); // the new record is already dead
      return false;
    }
    return true;
  });

  const lockStatements = {
    clearExpired: db.prepare<[string, number | bigint]>(
      'DELETE FROM locks WHERE name = ? AND expires_at <= ?',
    ),
    take: db.prepare<[string, string, number | bigint]>(
      'INSERT OR IGNORE INTO locks (name, token, expires_at) VALUES (?, ?, ?)',
    ),
    release: db.prepare<[string, string]>('DELETE FROM locks WHERE name = ? AND token = ?'),
  };
  const acquire = db.transaction((name: string, token: string, now: number, ttlMs: number): boolean => {
    lockStatements.clearExpired.run(name, int(now));
    return lockStatements.take.run(name, token, int(now + ttlMs)).changes === 1;
  });

  /** Runs `fn` and turns whatever SQLite throws (disk I/O, closed database, ...) into `StoreUnavailableError`. */
  async function guard<T>(fn: () => T): Promise<T> {
    try {
      return fn();
    } catch (error) {
      throw unavailable(error);
    }
  }

  let timer: NodeJS.Timeout | undefined;
  if (sweepIntervalMs > 0) {
    timer = setInterval(() => {
      try {
        sweepNow(clock());
      } catch (error) {
        onError?.(unavailable(error));
      }
    }, sweepIntervalMs);
    timer.unref();
  }

  return {
    kind: 'file',

    get: (key) =>
      guard(() => {
        const now = clock();
        const found = q.get.get(key);
        if (!found) return null;
        if (now >= found.expires_at) {
          q.deleteIfDead.run(key, int(now));
          return null;
        }
        const session = parse<StoredSession>(found.data);
        if (!session) q.delete.run(key); // an unreadable record is worthless: drop it
        return session;
      }),

    set: (key, session) =>
      guard(() => {
        if (clock() >= sessionExpiry(session)) {
          q.delete.run(key); // born dead: nothing to keep
          return;
        }
        q.upsert.run(row(key, session));
      }),

    touch: (key, u: SessionIdleUpdate) =>
      guard(() => {
        const now = clock();
        const [updated] = q.touch.all({
          key,
          last: int(u.lastSeenAt),
          idle: int(u.idleExpiresAt),
          now: int(now),
        });
        if (!updated) {
          q.deleteIfDead.run(key, int(now));
          return false;
        }
        if (now >= updated.expires_at) {
          q.delete.run(key);
          return false;
        }
        return true;
      }),

    update: (key, session) =>
      guard(() => {
        const now = clock();
        const ok = update(key, session, now);
        if (!ok) q.deleteIfDead.run(key, int(now));
        return ok;
      }),

    destroy: (key) =>
      guard(() => {
        q.delete.run(key);
      }),

    listByUser: (provider, sub) =>
      guard(() => {
        const now = int(clock());
        q.deleteDeadOfUser.run(provider, sub, now);
        return decodeRows(q.listByUser.all(provider, sub, now));
      }),

    listBySid: (provider, sid) =>
      guard(() => {
        const now = int(clock());
        q.deleteDeadOfSid.run(provider, sid, now);
        return decodeRows(q.listBySid.all(provider, sid, now));
      }),

    getAccounts: (key) =>
      guard(() => {
        const found = q.getAccounts.get(key);
        if (!found) return null;
        if (clock() >= found.expires_at) {
          q.deleteAccounts.run(key);
          return null;
        }
        return parse<BrowserAccounts>(found.data);
      }),

    setAccounts: (key, accounts) =>
      guard(() => {
        if (clock() >= accounts.expiresAt) q.deleteAccounts.run(key);
        else q.putAccounts.run(key, int(accounts.expiresAt), JSON.stringify(accounts));
      }),

    destroyAccounts: (key) =>
      guard(() => {
        q.deleteAccounts.run(key);
      }),

    putTransaction: (id, tx: LoginTransaction, expiresAt) =>
      guard(() => {
        if (clock() >= expiresAt) {
          q.deleteTx.run(id);
          return;
        }
        q.putTx.run(id, int(expiresAt), JSON.stringify(tx));
      }),

    takeTransaction: (id) =>
      guard(() => {
        const [taken] = q.takeTx.all(id);
        if (!taken || clock() >= taken.expires_at) return null;
        return parse<LoginTransaction>(taken.data);
      }),

    acquireLock: (name, ttlMs) =>
      guard(() => {
        const token = randomUUID();
        return acquire(name, token, clock(), ttlMs) ? token : null;
      }),

    releaseLock: (name, token) =>
      guard(() => {
        lockStatements.release.run(name, token);
      }),

    ping: () =>
      guard(() => {
        q.ping.get();
      }),

    sweep: () => guard(() => sweepNow(clock())),

    async close() {
      if (timer) clearInterval(timer);
      timer = undefined;
      if (db.open) {
        try {
          db.close();
        } catch (error) {
          throw unavailable(error);
        }
      }
    },
  };
}
