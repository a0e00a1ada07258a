import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileStore } from '../../src/store/file-store.ts';
import type { Clock } from '../../src/clock.ts';
import type { FileStore } from '../../src/store/file-store.ts';
import { newSessionId, newTransactionId, storeKeyFor } from '../../src/session/keys.ts';
import { StoreUnavailableError } from '../../src/store/store.ts';
import type { SessionStore, StoredSession } from '../../src/store/store.ts';
import { describeSessionStore } from './store-suite.ts';
import { storedSession } from '../support/sessions.ts';

/** Counts rows through a second, independent connection: what is really in the file. */
function countRows(path: string): { sessions: number; transactions: number } {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const count = (table: string): number =>
      (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    return { sessions: count('sessions'), transactions: count('transactions') };
  } finally {
    db.close();
  }
}

describeSessionStore(
  'file store',
  async (clock) => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-file-store-'));
    const path = join(dir, 'nested', 'sessions.sqlite'); // the store creates the directory
    const opened: SessionStore[] = [];
    const open = (): SessionStore => {
      const store = createFileStore({ path, clock });
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
      rawCount: async () => countRows(path),
      cleanup: async () => {
        for (const store of opened) await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  { persistent: true, shared: true },
);

describe('file store: on disk', () => {
  let dir: string;
  let now: number;
  const clock: Clock = () => now;
  const stores: FileStore[] = [];
  const open = (path: string, sweepIntervalMs?: number): FileStore => {
    const store = createFileStore({ path, clock, sweepIntervalMs });
    stores.push(store);
    return store;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-file-store-'));
    now = Date.now();
  });

  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const session = (overrides: Partial<StoredSession> = {}): StoredSession => storedSession(now, overrides);

  it('uses WAL mode, the documented tables and indexes, and an owner-only file', async () => {
    const path = join(dir, 'a', 'b', 'sessions.sqlite');
    open(path);
    const db = new Database(path, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      const columns = (table: string): string[] =>
        (db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name);
      expect(columns('sessions')).toEqual(
        expect.arrayContaining(['key', 'provider', 'sub', 'sid', 'expires_at', 'data']),
      );
      expect(columns('transactions')).toEqual(['id', 'expires_at', 'data']);
      const indexes = (
        db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index'`).all() as Array<{
          name: string;
        }>
      ).map((i) => i.name);
      expect(indexes).toEqual(expect.arrayContaining(['sessions_by_user', 'sessions_by_expiry']));
    } finally {
      db.close();
    }
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('the sweep removes expired rows on its own, without any read', async () => {
    const path = join(dir, 'sessions.sqlite');
    const store = open(path, 25);
    await store.set(storeKeyFor(newSessionId()), session({ idleExpiresAt: now + 1_000 }));
    await store.set(storeKeyFor(newSessionId()), session());
    await store.putTransaction(
      newTransactionId(),
      { provider: 'dev', browserBinding: 'b', codeVerifier: 'v', nonce: null, returnTo: '/', createdAt: now },
      now + 1_000,
    );
    expect(countRows(path)).toEqual({ sessions: 2, transactions: 1 });
    now += 1_000;
    const deadline = Date.now() + 5_000;
    while (countRows(path).sessions !== 1 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    expect(countRows(path)).toEqual({ sessions: 1, transactions: 0 });
  });

  it('keeps its write-ahead log bounded through touches and sign-ins, as through plain writes', async () => {
    const path = join(dir, 'sessions.sqlite');
    const store = open(path, 0);
    const walBytes = () => statSync(`${path}-wal`).size;
    const keys = Array.from({ length: 3000 }, () => storeKeyFor(newSessionId()));
    // Sealed tokens of the usual size: each touch rewrites a row of a few kB.
    for (const key of keys) await store.set(key, session({ tokens: 'v1.k.'.padEnd(2500, 'x') }));
    const afterWrites = walBytes();
    // SQLite checkpoints its WAL every 1,000 pages (4 MiB): a bounded log stays near that, whatever the count.
    expect(afterWrites).toBeLessThan(8 * 1024 * 1024);

    for (const key of keys) {
      expect(await store.touch(key, { lastSeenAt: now + 1, idleExpiresAt: now + 2_000_000 })).toBe(true);
    }
    const transaction = {
      provider: 'dev',
      browserBinding: 'b'.repeat(43),
      codeVerifier: 'v'.repeat(43),
      nonce: 'n'.repeat(43),
      returnTo: 'http://localhost:5173/dashboard',
      createdAt: now,
    };
    for (const id of keys.map((_, n) => `${n}`.padStart(43, 'T'))) {
      await store.putTransaction(id, transaction, now + 60_000);
      expect(await store.takeTransaction(id)).not.toBeNull();
    }
    expect(walBytes()).toBeLessThan(8 * 1024 * 1024);
  });

  it('touch rewrites only the idle fields of the stored JSON', async () => {
    const path = join(dir, 'sessions.sqlite');
    const store = open(path);
    const key = storeKeyFor(newSessionId());
    const original = session();
    await store.set(key, original);
    expect(await store.touch(key, { lastSeenAt: now + 5, idleExpiresAt: now + 2_000_000 })).toBe(true);
    const db = new Database(path, { readonly: true });
    try {
      const row = db.prepare('SELECT expires_at, data FROM sessions WHERE key = ?').get(key) as {
        expires_at: number;
        data: string;
      };
      expect(row.expires_at).toBe(now + 2_000_000);
      expect(JSON.parse(row.data)).toEqual({
        ...original,
        lastSeenAt: now + 5,
        idleExpiresAt: now + 2_000_000,
      });
      expect(row.data).not.toMatch(/\.0[,}]/); // times stay integers
    } finally {
      db.close();
    }
  });

  // Tokens and cookie values at rest, as the product writes them: test/security/tokens-at-rest.test.ts.

  it('wraps SQLite failures as StoreUnavailableError', async () => {
    writeFileSync(join(dir, 'not-a-dir'), 'x');
    expect(() => createFileStore({ path: join(dir, 'not-a-dir', 'sessions.sqlite'), clock })).toThrow(
      StoreUnavailableError,
    );

    const corrupt = join(dir, 'corrupt.sqlite');
    writeFileSync(corrupt, Buffer.alloc(8192, 0x41));
    expect(() => createFileStore({ path: corrupt, clock })).toThrow(StoreUnavailableError);

    const store = open(join(dir, 'sessions.sqlite'));
    await store.close();
    await expect(store.get('x')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.set('x', session())).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
