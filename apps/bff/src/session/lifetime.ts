import type { SessionInfo } from '@gatehouse/shared';
import { isoTime } from './iso-time.ts';
import type { SessionIdleUpdate, StoredSession } from '../store/store.ts';

export interface LifetimePolicy {
  idleTimeoutMs: number;
  absoluteTimeoutMs: number;
  /** Slide the idle expiry at most this often, so a busy SPA does not cost a store write per request. */
  touchIntervalMs: number;
}

/** What a sign-in knows of a new session; its times follow from `now` and the policy. */
export type NewSessionInput = Omit<
  StoredSession,
  'v' | 'createdAt' | 'lastSeenAt' | 'idleExpiresAt' | 'absoluteExpiresAt'
>;

export function newSession(input: NewSessionInput, now: number, policy: LifetimePolicy): StoredSession {
  const absoluteExpiresAt = now + policy.absoluteTimeoutMs;
  return {
    v: 1,
    ...input,
    createdAt: now,
    lastSeenAt: now,
    idleExpiresAt: Math.min(now + policy.idleTimeoutMs, absoluteExpiresAt),
    absoluteExpiresAt,
  };
}

/** The idle update due now, or null while the last one is recent enough. */
export function idleUpdateDue(
  session: StoredSession,
  now: number,
  policy: LifetimePolicy,
): SessionIdleUpdate | null {
  if (now - session.lastSeenAt < policy.touchIntervalMs) return null;
  return { lastSeenAt: now, idleExpiresAt: Math.min(now + policy.idleTimeoutMs, session.absoluteExpiresAt) };
}

export function toSessionInfo(session: StoredSession): SessionInfo {
  return {
    user: session.user,
    provider: session.provider,
    createdAt: isoTime(session.createdAt),
    expiresAt: isoTime(session.absoluteExpiresAt),
    idleExpiresAt: isoTime(session.idleExpiresAt),
    claims: session.claims ?? {},
  };
}
