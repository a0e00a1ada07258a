import type { SessionClaims, SessionInfo, UserInfo } from '@gatehouse/shared';
import { isoTime } from './iso-time.ts';
import type { SessionIdleUpdate, StoredSession } from '../store/store.ts';

export interface LifetimePolicy {
  idleTimeoutMs: number;
  absoluteTimeoutMs: number;
  /** Slide the idle expiry at most this often, so a busy SPA does not cost a store write per request. */
  touchIntervalMs: number;
}

export function newSession(
  input: {
    provider: string;
    user: UserInfo;
    sid: string | null;
    userAgent: string | null;
    tokens: string;
    accessTokenExpiresAt: number | null;
    claims?: SessionClaims;
    acr?: string | null;
    authTime?: number | null;
  },
  now: number,
  policy: LifetimePolicy,
): StoredSession {
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
