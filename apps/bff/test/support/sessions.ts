import type { StoredSession } from '../../src/store/store.ts';

/** A stored session as the store tests use it: alice, signed in at `now`, 30 min idle, 8 h absolute. */
export function storedSession(now: number, overrides: Partial<StoredSession> = {}): StoredSession {
  return {
    v: 1,
    provider: 'dev',
    user: { sub: 'alice', name: 'Alice Liddell', email: 'alice@example.com', picture: null },
    sid: 'sid-1',
    createdAt: now,
    lastSeenAt: now,
    idleExpiresAt: now + 1_800_000,
    absoluteExpiresAt: now + 28_800_000,
    userAgent: 'test',
    tokens: 'sealed',
    accessTokenExpiresAt: null,
    ...overrides,
  };
}
