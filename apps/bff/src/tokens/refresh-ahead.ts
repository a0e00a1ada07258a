/** The most we refresh ahead of expiry, so a relayed token does not die in flight. */
const MAX_REFRESH_AHEAD_MS = 30_000;

export interface ExpiringToken {
  /** Epoch ms; null when the provider did not say. */
  expiresAt: number | null;
  /** Epoch ms when we obtained it; absent on tokens sealed before it was recorded. */
  obtainedAt?: number;
}

/**
 * How long before expiry a token is refreshed: 30 s, or a third of its lifetime when that is shorter. A fixed
 * 30 s window would never see a 5-second token as fresh, and every call would refresh it again.
 */
export function refreshAheadMs(token: ExpiringToken): number {
  if (token.expiresAt === null || token.obtainedAt === undefined) return MAX_REFRESH_AHEAD_MS;
  const lifetime = Math.max(0, token.expiresAt - token.obtainedAt);
  return Math.min(MAX_REFRESH_AHEAD_MS, lifetime / 3);
}

/** Whether the token can still be relayed as it is at `now`. */
export function isFresh(token: ExpiringToken, now: number): boolean {
  return token.expiresAt === null || token.expiresAt - now > refreshAheadMs(token);
}
