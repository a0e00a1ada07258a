import type { SessionInfo } from '@gatehouse/shared';

/** How long before the end the warning shows at most: the contract's 2 minutes. */
export const WARNING_LEAD_MS = 120_000;

/** The session is about to end: what the expiry warning shows. */
export interface ExpiryWarning {
  /** When the session ends unless extended (ISO 8601). */
  endsAt: string;
  /** False before the absolute expiry: "Stay signed in" cannot move it. */
  extendable: boolean;
}

export interface ExpiryPlan {
  /** Epoch ms at which the warning shows. */
  warnAt: number;
  /** Epoch ms at which the session ends (idle or absolute, whichever comes first). */
  endsAt: number;
  extendable: boolean;
}

/**
 * When to warn: 2 minutes before the end, or half the idle timeout before it when that is shorter (a
 * 60-second idle timeout warns at 30 seconds left). Without a known idle timeout, 2 minutes.
 */
export function expiryPlan(session: SessionInfo): ExpiryPlan {
  const idleEnd = Date.parse(session.idleExpiresAt);
  const absoluteEnd = Date.parse(session.expiresAt);
  const idleTimeoutMs = (session.idleTimeoutSeconds ?? Infinity) * 1000;
  const lead = Math.min(WARNING_LEAD_MS, idleTimeoutMs / 2);
  const endsAt = Math.min(idleEnd, absoluteEnd);
  return { warnAt: endsAt - lead, endsAt, extendable: idleEnd < absoluteEnd };
}
