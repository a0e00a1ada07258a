import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newSessionId, newSessionIdFor, newTransactionId, storeKeyFor } from '../../src/session/keys.ts';
import type { Clock } from '../../src/clock.ts';
import type { LoginTransaction, SessionStore, StoredSession } from '../../src/store/store.ts';

/** What a store factory hands the suite. */
export interface StoreHarness {
  store: SessionStore;
  /** Closes `store` and opens a new one on the same backend (a process restart); the suite uses the new one. */
  reopen?: () => Promise<SessionStore>;
  /** Opens another store object on the same backend (another replica, another connection). */
  openPeer?: () => Promise<SessionStore>;
  /** Entries physically present in the backend, dead or alive (to prove dead entries are gone, not ignored). */
  rawCount?: () => Promise<{ sessions: number; transactions: number }>;
  /** Closes every store the harness opened and removes the backend's data. */
  cleanup: () => Promise<void>;
}

export type StoreFactory = (clock: Clock) => Promise<StoreHarness>;

/**
 * What the backend can do beyond the interface. Tests for a capability are defined only where it exists, so
 * nothing is reported as skipped: the memory store is neither persistent nor shared by design.
 */
export interface StoreCapabilities {
  /** Survives a process restart (`reopen`). */
  persistent: boolean;
  /** Several store objects see one backend (`openPeer`). */
  shared: boolean;
  /** A session key belongs to its user's slot bucket (Redis Cluster): it cannot be moved to another user. */
  keysBoundToUser?: boolean;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * The behaviour every `SessionStore` shares. Each test gets a fresh store from `factory`, driven by a clock the
 * suite moves by hand (it starts at the real time and only moves when told to).
 */
export function describeSessionStore(
  name: string,
  factory: StoreFactory,
  capabilities: StoreCapabilities,
): void {
  describe(`${name}: SessionStore behaviour`, () => {
    let now = 0;
    const clock: Clock = () => now;
    const advance = (ms: number): void => {
      now += ms;
    };
    let harness: StoreHarness;
    let store: SessionStore;
    let opened: StoreHarness | undefined;

    beforeEach(async () => {
      now = Date.now();
      opened = undefined;
      harness = opened = await factory(clock);
      store = harness.store;
    });

    afterEach(async () => {
      await opened?.cleanup();
    });

    // Keys as sign-ins draw them, in their user's slot bucket (what a Redis Cluster needs).
    const newKey = (sub = 'alice', provider = 'dev'): string => storeKeyFor(newSessionIdFor(provider, sub));

    function session(
      overrides: Partial<Omit<StoredSession, 'user'>> & { sub?: string; name?: string | null } = {},
    ): StoredSession {
      const { sub = 'alice', name = 'Alice Liddell', ...rest } = overrides;
      return {
        v: 1,
        provider: 'dev',
        user: { sub, name, email: `${sub}@example.com`, picture: null },
        sid: `sid-${sub}`,
        createdAt: now,
        lastSeenAt: now,
        idleExpiresAt: now + 30 * MINUTE,
        absoluteExpiresAt: now + 8 * HOUR,
        userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Gatehouse-Test',
        tokens: 'v1.k1.aaaaaaaaaaaaaaaa.bbbbbbbb.cccccccccccccccccccccc',
        accessTokenExpiresAt: now + 5 * MINUTE,
        ...rest,
      };
    }

    function transaction(overrides: Partial<LoginTransaction> = {}): LoginTransaction {
      return {
        provider: 'dev',
        browserBinding: storeKeyFor(newSessionId()),
        codeVerifier: newSessionId(),
        nonce: newSessionId(),
        returnTo: '/dashboard?tab=2',
        createdAt: now,
        ...overrides,
      };
    }

    async function expectRaw(expected: { sessions?: number; transactions?: number }): Promise<void> {
      if (!harness.rawCount) return;
      const raw = await harness.rawCount();
      if (expected.sessions !== undefined) expect(raw.sessions).toBe(expected.sessions);
      if (expected.transactions !== undefined) expect(raw.transactions).toBe(expected.transactions);
    }

    const keysOf = (list: Array<[string, StoredSession]>): string[] => list.map(([key]) => key);

    describe('sessions', () => {
      it('round-trips a session (deep equal) and hands out copies', async () => {
        const key = newKey();
        const original = session({
          name: 'Zoë Ünïcode “quotes” \\ back\nslash 🙂',
          userAgent: null,
          sid: null,
          accessTokenExpiresAt: null,
        });
        const snapshot = structuredClone(original);
        await store.set(key, original);
        original.user.name = 'mutated after set';
        original.idleExpiresAt = 0;

        const first = await store.get(key);
        expect(first).toEqual(snapshot);
        first!.user.email = 'mutated after get';
        first!.tokens = 'mutated';
        expect(await store.get(key)).toEqual(snapshot);
        expect(store.kind).toMatch(/^(memory|file|redis)$/);
      });

      it('answers null for a key it never saw', async () => {
        expect(await store.get(newKey())).toBeNull();
      });

      it('set replaces an existing session', async () => {
        const key = newKey();
        await store.set(key, session({ tokens: 'first' }));
        const second = session({ tokens: 'second', userAgent: 'other' });
        await store.set(key, second);
        expect(await store.get(key)).toEqual(second);
        expect(keysOf(await store.listByUser('dev', 'alice'))).toEqual([key]);
        await expectRaw({ sessions: 1 });
      });

      if (capabilities.keysBoundToUser) {
        it("a set under a key outside the user's bucket is refused and changes nothing", async () => {
          const key = newKey('alice');
          const alice = session({ sub: 'alice' });
          await store.set(key, alice);
          await expect(store.set(key, session({ sub: 'bob' }))).rejects.toThrow(/bucket/);
          expect(await store.get(key)).toEqual(alice);
          expect(await store.listByUser('dev', 'bob')).toEqual([]);
        });
      } else {
        it('a set that moves the session to another user re-indexes it', async () => {
          const key = newKey();
          await store.set(key, session({ sub: 'alice' }));
          await store.set(key, session({ sub: 'bob' }));
          expect(await store.listByUser('dev', 'alice')).toEqual([]);
          expect(keysOf(await store.listByUser('dev', 'bob'))).toEqual([key]);
          expect(await store.listBySid('dev', 'sid-alice')).toEqual([]);
          expect(keysOf(await store.listBySid('dev', 'sid-bob'))).toEqual([key]);
        });
      }

      it('destroy removes the session and its index entries', async () => {
        const key = newKey();
        const other = newKey();
        await store.set(key, session());
        await store.set(other, session());
        await store.destroy(key);
        expect(await store.get(key)).toBeNull();
        expect(keysOf(await store.listByUser('dev', 'alice'))).toEqual([other]);
        expect(keysOf(await store.listBySid('dev', 'sid-alice'))).toEqual([other]);
        await expectRaw({ sessions: 1 });
        await store.destroy(key); // destroying what is gone is fine
        await store.destroy(newKey());
        expect(await store.get(other)).not.toBeNull();
      });

      it('a session dies at its idle expiry and is deleted from the backend', async () => {
        const key = newKey();
        await store.set(key, session({ idleExpiresAt: now + 1_000 }));
        advance(999);
        expect(await store.get(key)).not.toBeNull();
        advance(1); // now === idleExpiresAt: dead
        expect(await store.get(key)).toBeNull();
        await expectRaw({ sessions: 0 });
        expect(await store.listByUser('dev', 'alice')).toEqual([]);
      });

      it('a session dies at its absolute expiry even while it is kept busy', async () => {
        const key = newKey();
        const start = now;
        await store.set(key, session({ idleExpiresAt: now + 1_000, absoluteExpiresAt: now + 3_000 }));
        for (let t = 500; t < 3_000; t += 500) {
          advance(500);
          expect(await store.touch(key, { lastSeenAt: now, idleExpiresAt: now + 1_000 })).toBe(true);
          expect(await store.get(key)).not.toBeNull();
        }
        now = start + 2_999;
        expect((await store.get(key))?.idleExpiresAt).toBeGreaterThan(start + 3_000);
        now = start + 3_000;
        expect(await store.get(key)).toBeNull();
        await expectRaw({ sessions: 0 });
      });

      it('dead sessions are removed from the backend by listing, without a get', async () => {
        const dying = newKey();
        const living = newKey();
        await store.set(dying, session({ idleExpiresAt: now + 100 }));
        await store.set(living, session());
        await expectRaw({ sessions: 2 });
        advance(100);
        expect(keysOf(await store.listByUser('dev', 'alice'))).toEqual([living]);
        await expectRaw({ sessions: 1 });
      });

      it('a session born dead is not kept', async () => {
        const key = newKey();
        await store.set(key, session({ idleExpiresAt: now, absoluteExpiresAt: now + HOUR }));
        expect(await store.get(key)).toBeNull();
        expect(await store.listByUser('dev', 'alice')).toEqual([]);
        await expectRaw({ sessions: 0 });
      });
    });

    describe('touch', () => {
      it('moves the idle expiry forward, as get then shows', async () => {
        const key = newKey();
        const original = session({ idleExpiresAt: now + 1_000 });
        await store.set(key, original);
        advance(800);
        expect(await store.touch(key, { lastSeenAt: now, idleExpiresAt: now + 1_000 })).toBe(true);
        const touched = await store.get(key);
        expect(touched).toEqual({ ...original, lastSeenAt: now, idleExpiresAt: now + 1_000 });
        expect((await store.listByUser('dev', 'alice'))[0]?.[1].idleExpiresAt).toBe(now + 1_000);
        advance(999); // past the original idle expiry
        expect(await store.get(key)).not.toBeNull();
        advance(1);
        expect(await store.get(key)).toBeNull();
      });

      it('on a destroyed session answers false and does not resurrect it', async () => {
        const key = newKey();
        await store.set(key, session());
        await store.destroy(key);
        expect(await store.touch(key, { lastSeenAt: now, idleExpiresAt: now + HOUR })).toBe(false);
        expect(await store.get(key)).toBeNull();
        expect(await store.listByUser('dev', 'alice')).toEqual([]);
        await expectRaw({ sessions: 0 });
      });

      it('on an expired session answers false and does not resurrect it', async () => {
        const key = newKey();
        await store.set(key, session({ idleExpiresAt: now + 1_000 }));
        advance(1_000);
        expect(await store.touch(key, { lastSeenAt: now, idleExpiresAt: now + HOUR })).toBe(false);
        expect(await store.get(key)).toBeNull();
        expect(await store.listByUser('dev', 'alice')).toEqual([]);
        await expectRaw({ sessions: 0 });
      });

      it('on an unknown key answers false and creates nothing', async () => {
        expect(await store.touch(newKey(), { lastSeenAt: now, idleExpiresAt: now + HOUR })).toBe(false);
        await expectRaw({ sessions: 0 });
      });

      it('that moves the idle expiry into the past ends the session', async () => {
        const key = newKey();
        await store.set(key, session());
        expect(await store.touch(key, { lastSeenAt: now, idleExpiresAt: now })).toBe(false);
        expect(await store.get(key)).toBeNull();
        await expectRaw({ sessions: 0 });
      });
    });

    describe('update', () => {
      it('replaces a live session', async () => {
        const key = newKey();
        await store.set(key, session({ tokens: 'old' }));
        advance(1_000);
        const refreshed = session({ tokens: 'refreshed', accessTokenExpiresAt: now + 10 * MINUTE });
        expect(await store.update(key, refreshed)).toBe(true);
        expect(await store.get(key)).toEqual(refreshed);
        expect(await store.listByUser('dev', 'alice')).toEqual([[key, refreshed]]);
      });

      it('on a destroyed, expired or unknown session answers false and does not resurrect it', async () => {
        const destroyed = newKey();
        const expired = newKey();
        await store.set(destroyed, session());
        await store.set(expired, session({ idleExpiresAt: now + 1_000 }));
        await store.destroy(destroyed);
        advance(1_000);
        const fresh = session(); // alive for another 30 minutes, were it written
        expect(await store.update(destroyed, fresh)).toBe(false);
        expect(await store.update(expired, fresh)).toBe(false);
        expect(await store.update(newKey(), fresh)).toBe(false);
        expect(await store.get(destroyed)).toBeNull();
        expect(await store.get(expired)).toBeNull();
        expect(await store.listByUser('dev', 'alice')).toEqual([]);
        await expectRaw({ sessions: 0 });
      });
    });

    describe('listing', () => {
      it("listByUser answers only that user's live sessions at that provider, oldest first", async () => {
        const oldest = newKey();
        const middle = newKey();
        const newest = newKey();
        const dying = newKey();
        // Written out of creation order on purpose.
        await store.set(newest, session({ createdAt: now - 1_000 }));
        const oldestValue = session({ createdAt: now - 3_000 });
        await store.set(oldest, oldestValue);
        await store.set(dying, session({ createdAt: now - 4_000, idleExpiresAt: now + 500 }));
        await store.set(middle, session({ createdAt: now - 2_000 }));
        await store.set(newKey('alice', 'github'), session({ provider: 'github' }));
        await store.set(newKey('bob'), session({ sub: 'bob' }));
        await store.set(newKey('alice2'), session({ sub: 'alice2' }));
        await store.set(newKey('alice', 'dev2'), session({ provider: 'dev2' }));
        advance(500);

        const list = await store.listByUser('dev', 'alice');
        expect(keysOf(list)).toEqual([oldest, middle, newest]);
        expect(list.every(([, s]) => s.provider === 'dev' && s.user.sub === 'alice')).toBe(true);
        expect(list[0]).toEqual([oldest, oldestValue]);
        expect(await store.listByUser('dev', 'nobody')).toEqual([]);
        expect(await store.listByUser('nowhere', 'alice')).toEqual([]);
        expect(keysOf(await store.listByUser('github', 'alice'))).toHaveLength(1);
      });

      it('listBySid answers the live sessions of that provider session, oldest first', async () => {
        const first = newKey('bob');
        const second = newKey();
        const dead = newKey();
        await store.set(second, session({ sid: 's-1', createdAt: now - 1_000 }));
        await store.set(first, session({ sid: 's-1', sub: 'bob', createdAt: now - 2_000 }));
        await store.set(dead, session({ sid: 's-1', idleExpiresAt: now + 10 }));
        await store.set(newKey('alice', 'github'), session({ sid: 's-1', provider: 'github' }));
        await store.set(newKey(), session({ sid: 's-2' }));
        await store.set(newKey(), session({ sid: null }));
        advance(10);
        expect(keysOf(await store.listBySid('dev', 's-1'))).toEqual([first, second]);
        expect(await store.listBySid('dev', 'unknown')).toEqual([]);
        expect(await store.get(dead)).toBeNull();
      });

      it('listed sessions are copies', async () => {
        const key = newKey();
        const original = session();
        await store.set(key, original);
        const [[, listed]] = (await store.listByUser('dev', 'alice')) as [[string, StoredSession]];
        listed.user.name = 'mutated';
        expect(await store.get(key)).toEqual(original);
      });
    });

    describe('login transactions', () => {
      it('put then take round-trips; a second take gets null (single use)', async () => {
        const id = newTransactionId();
        const tx = transaction({ nonce: null });
        await store.putTransaction(id, tx, now + 10 * MINUTE);
        expect(await store.takeTransaction(id)).toEqual(tx);
        expect(await store.takeTransaction(id)).toBeNull();
        expect(await store.takeTransaction(newTransactionId())).toBeNull();
        await expectRaw({ transactions: 0 });
      });

      it('an expired transaction reads as null and is gone', async () => {
        const id = newTransactionId();
        await store.putTransaction(id, transaction(), now + 1_000);
        await expectRaw({ transactions: 1 });
        advance(1_000);
        expect(await store.takeTransaction(id)).toBeNull();
        await expectRaw({ transactions: 0 });
      });

      it('a transaction that is already dead when put is not kept', async () => {
        const id = newTransactionId();
        await store.putTransaction(id, transaction(), now);
        expect(await store.takeTransaction(id)).toBeNull();
        await expectRaw({ transactions: 0 });
      });

      it('of ten concurrent takes of one id exactly one wins', async () => {
        const peer = harness.openPeer ? await harness.openPeer() : store;
        for (let round = 0; round < 5; round++) {
          const id = newTransactionId();
          const tx = transaction();
          await store.putTransaction(id, tx, now + MINUTE);
          const results = await Promise.all(
            Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? store : peer).takeTransaction(id)),
          );
          const winners = results.filter((result) => result !== null);
          expect(winners).toEqual([tx]);
        }
      });
    });

    describe("a browser's accounts", () => {
      const record = (expiresAt: number) => ({
        v: 1 as const,
        accounts: [newKey('alice'), newKey('bob')],
        active: newKey('bob'),
        expiresAt,
      });

      it('set, get (a copy), replace and destroy', async () => {
        const key = storeKeyFor(newSessionId());
        expect(await store.getAccounts(key)).toBeNull();
        const first = record(now + HOUR);
        await store.setAccounts(key, first);
        const read = await store.getAccounts(key);
        expect(read).toEqual(first);
        read!.accounts.push('mutated');
        expect(await store.getAccounts(key)).toEqual(first);
        const second = { ...first, active: first.accounts[0]! };
        await store.setAccounts(key, second);
        expect(await store.getAccounts(key)).toEqual(second);
        const peer = harness.openPeer ? await harness.openPeer() : store;
        expect(await peer.getAccounts(key)).toEqual(second);
        await store.destroyAccounts(key);
        expect(await store.getAccounts(key)).toBeNull();
        expect(await store.get(key)).toBeNull();
      });

      it('a record past its expiry reads as null; one dead when set is not kept', async () => {
        const key = storeKeyFor(newSessionId());
        await store.setAccounts(key, record(now + 1_000));
        advance(1_000);
        expect(await store.getAccounts(key)).toBeNull();
        const born = storeKeyFor(newSessionId());
        await store.setAccounts(born, record(now));
        expect(await store.getAccounts(born)).toBeNull();
      });

      if (capabilities.persistent) {
        it('survives a restart', async () => {
          const key = storeKeyFor(newSessionId());
          const kept = record(now + HOUR);
          await store.setAccounts(key, kept);
          store = await harness.reopen!();
          expect(await store.getAccounts(key)).toEqual(kept);
        });
      }
    });

    describe('races', () => {
      it('touch and update racing destroy never resurrect a session', async () => {
        const peer = harness.openPeer ? await harness.openPeer() : store;
        const keys = Array.from({ length: 20 }, () => newKey());
        for (const key of keys) await store.set(key, session());
        await Promise.all(
          keys.flatMap((key, i) => {
            const touch = (s: SessionStore) => s.touch(key, { lastSeenAt: now, idleExpiresAt: now + HOUR });
            const ops = [
              () => touch(store),
              () => touch(peer),
              () => store.update(key, session({ tokens: 'refreshed' })),
              () => (i % 2 ? peer : store).destroy(key),
              () => touch(store),
              () => peer.update(key, session({ tokens: 'again' })),
              () => touch(peer),
            ];
            // Rotate so destroy lands at a different position for different keys.
            const rotated = [...ops.slice(i % ops.length), ...ops.slice(0, i % ops.length)];
            return rotated.map((op) => op());
          }),
        );
        for (const key of keys) {
          expect(await store.get(key)).toBeNull();
          expect(await peer.get(key)).toBeNull();
        }
        expect(await store.listByUser('dev', 'alice')).toEqual([]);
        await expectRaw({ sessions: 0 });
      });
    });

    describe('leases (one token refresh at a time across replicas)', () => {
      it('grants a lease to one owner at a time', async () => {
        const first = await store.acquireLock('refresh:a', 10_000);
        expect(first).toEqual(expect.any(String));
        expect(await store.acquireLock('refresh:a', 10_000)).toBeNull();
        expect(await store.acquireLock('refresh:b', 10_000)).toEqual(expect.any(String));
        const contenders = await Promise.all(
          Array.from({ length: 10 }, () => store.acquireLock('refresh:c', 10_000)),
        );
        expect(contenders.filter((token) => token !== null)).toHaveLength(1);
      });

      it('releases only for the owner', async () => {
        const token = (await store.acquireLock('refresh:a', 10_000))!;
        await store.releaseLock('refresh:a', 'someone-else');
        expect(await store.acquireLock('refresh:a', 10_000)).toBeNull();
        await store.releaseLock('refresh:a', token);
        expect(await store.acquireLock('refresh:a', 10_000)).toEqual(expect.any(String));
      });

      it('lets a lease lapse after its time, so a crashed owner never blocks refreshes', async () => {
        const stale = (await store.acquireLock('refresh:a', 50))!;
        advance(100);
        await new Promise((resolve) => setTimeout(resolve, 100)); // Redis leases run on Redis's own clock
        const next = await store.acquireLock('refresh:a', 10_000);
        expect(next).toEqual(expect.any(String));
        await store.releaseLock('refresh:a', stale); // the old owner's late release must not free the new lease
        expect(await store.acquireLock('refresh:a', 10_000)).toBeNull();
      });
    });

    it('ping answers', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    if (capabilities.shared) {
      it('a second store object on the same backend sees the same sessions', async () => {
        const peer = await harness.openPeer!();
        const key = newKey();
        const value = session();
        await store.set(key, value);
        expect(await peer.get(key)).toEqual(value);
        await peer.destroy(key);
        expect(await store.get(key)).toBeNull();
      });
    }

    if (capabilities.persistent) {
      it('survives a restart: what was written before close is there after reopening', async () => {
        const key = newKey();
        const value = session();
        const id = newTransactionId();
        const tx = transaction();
        await store.set(key, value);
        await store.touch(key, { lastSeenAt: now + 1, idleExpiresAt: now + 31 * MINUTE });
        await store.putTransaction(id, tx, now + MINUTE);
        store = await harness.reopen!();
        expect(await store.get(key)).toEqual({
          ...value,
          lastSeenAt: now + 1,
          idleExpiresAt: now + 31 * MINUTE,
        });
        expect(keysOf(await store.listByUser('dev', 'alice'))).toEqual([key]);
        expect(await store.takeTransaction(id)).toEqual(tx);
      });
    }
  });
}
