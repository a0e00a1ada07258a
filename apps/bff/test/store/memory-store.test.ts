import { describe, expect, it, vi } from 'vitest';
import { newSessionId, newTransactionId, storeKeyFor } from '../../src/session/keys.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { StoreUnavailableError } from '../../src/store/store.ts';
import type { LoginTransaction, StoredSession } from '../../src/store/store.ts';
import { describeSessionStore } from './store-suite.ts';

describeSessionStore(
  'memory store',
  async (clock) => {
    const store = createMemoryStore({ clock });
    return {
      store,
      rawCount: async () => store.stats(),
      cleanup: () => store.close(),
    };
  },
  { persistent: false, shared: false },
);

function session(now: number, overrides: Partial<StoredSession> = {}): StoredSession {
  return {
    v: 1,
    provider: 'dev',
    user: { sub: 'alice', name: 'Alice', email: null, picture: null },
    sid: null,
    createdAt: now,
    lastSeenAt: now,
    idleExpiresAt: now + 60_000,
    absoluteExpiresAt: now + 3_600_000,
    userAgent: null,
    tokens: 'sealed',
    accessTokenExpiresAt: null,
    ...overrides,
  };
}

const tx = (now: number): LoginTransaction => ({
  provider: 'dev',
  browserBinding: 'b',
  codeVerifier: 'v',
  nonce: null,
  returnTo: '/',
  createdAt: now,
});

describe('memory store: bounds', () => {
  it('caps the number of sessions, evicting the ones closest to expiry and keeping the newest', async () => {
    let now = 1_000_000;
    const store = createMemoryStore({ clock: () => now, maxSessions: 10 });
    const keys: string[] = [];
    for (let i = 0; i < 25; i++) {
      now += 10;
      const key = storeKeyFor(newSessionId());
      keys.push(key);
      await store.set(key, session(now));
      expect(store.stats().sessions).toBeLessThanOrEqual(10);
    }
    for (const key of keys.slice(-10)) expect(await store.get(key)).not.toBeNull();
    for (const key of keys.slice(0, 15)) expect(await store.get(key)).toBeNull();
    expect((await store.listByUser('dev', 'alice')).length).toBe(10);
    await store.close();
  });

  it('with equal expiries evicts the oldest first', async () => {
    const now = 1_000_000;
    const store = createMemoryStore({ clock: () => now, maxSessions: 5 });
    const keys = Array.from({ length: 12 }, () => storeKeyFor(newSessionId()));
    for (const key of keys) await store.set(key, session(now));
    expect(store.stats().sessions).toBe(5);
    for (const key of keys.slice(-5)) expect(await store.get(key)).not.toBeNull();
    await store.close();
  });

  it('evicts by the expiry a touch gave, not the one a session was stored with', async () => {
    let now = 1_000_000;
    const store = createMemoryStore({ clock: () => now, maxSessions: 3, sweepIntervalMs: 0 });
    const [a, b, c, d, e, f] = Array.from({ length: 6 }, () => storeKeyFor(newSessionId()));
    const put = async (key: string): Promise<void> => {
      now += 10;
      await store.set(key, session(now));
    };
    for (const key of [a!, b!, c!]) await put(key);
    // The first stored, so the closest to expiry, until its user comes back: now it expires with d.
    expect(await store.touch(a!, { lastSeenAt: now + 10, idleExpiresAt: now + 10 + 60_000 })).toBe(true);
    await put(d!);
    const alive = async (): Promise<boolean[]> =>
      Promise.all([a, b, c, d].map(async (key) => (await store.get(key!)) !== null));
    expect(await alive()).toEqual([true, false, true, true]);
    await put(e!);
    expect(await alive()).toEqual([true, false, false, true]);
    // a and d expire together; a was stored first.
    await put(f!);
    expect(await alive()).toEqual([false, false, false, true]);
    await store.close();
  });

  it('prefers evicting dead entries over live ones', async () => {
    let now = 1_000_000;
    const store = createMemoryStore({ clock: () => now, maxSessions: 3, sweepIntervalMs: 0 });
    const longLived = storeKeyFor(newSessionId());
    await store.set(longLived, session(now, { idleExpiresAt: now + 10_000 }));
    await store.set(storeKeyFor(newSessionId()), session(now, { idleExpiresAt: now + 10 }));
    await store.set(storeKeyFor(newSessionId()), session(now, { idleExpiresAt: now + 10 }));
    now += 10;
    await store.set(storeKeyFor(newSessionId()), session(now));
    expect(store.stats().sessions).toBe(2);
    expect(await store.get(longLived)).not.toBeNull();
    await store.close();
  });

  it('a flood of abandoned logins stays within maxTransactions; the latest still works', async () => {
    const now = 1_000_000;
    const store = createMemoryStore({ clock: () => now, maxTransactions: 100 });
    let last = '';
    for (let i = 0; i < 5_000; i++) {
      last = newTransactionId();
      await store.putTransaction(last, tx(now), now + 600_000);
      expect(store.stats().transactions).toBeLessThanOrEqual(100);
    }
    expect(await store.takeTransaction(last)).toEqual(tx(now));
    await store.close();
  });

  it('sweeps dead entries on a timer, without any read', async () => {
    vi.useFakeTimers();
    try {
      let now = 1_000_000;
      const store = createMemoryStore({ clock: () => now, sweepIntervalMs: 1_000 });
      await store.set(storeKeyFor(newSessionId()), session(now, { idleExpiresAt: now + 500 }));
      await store.set(storeKeyFor(newSessionId()), session(now));
      await store.putTransaction(newTransactionId(), tx(now), now + 500);
      expect(store.stats()).toEqual({ sessions: 2, transactions: 1, users: 1 });
      now += 500;
      vi.advanceTimersByTime(1_000);
      expect(store.stats()).toEqual({ sessions: 1, transactions: 0, users: 1 });
      await store.close();
      expect(vi.getTimerCount()).toBe(0); // close clears the sweep timer
    } finally {
      vi.useRealTimers();
    }
  });

  it('rejects work after close', async () => {
    const store = createMemoryStore({ clock: Date.now });
    await store.close();
    await expect(store.get('x')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
