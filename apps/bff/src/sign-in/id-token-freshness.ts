/**
 * openid-client checks that an ID token has an `iat` but not what it says. An ID token from the code exchange
 * was minted a moment ago, so its `iat` must be close to now: one from the far future (a provider with a broken
 * or manipulated clock) or from long ago (a stored token served again) is refused.
 *
 * `now` is the wall clock, the same one openid-client checks `exp` and `nbf` against.
 */
export interface FreshnessPolicy {
  /** Allowed clock difference with the provider, seconds. */
  toleranceSeconds: number;
  /** How old the ID token may be, seconds: no older than the login itself may take. */
  maxAgeSeconds: number;
}

export function idTokenIatProblem(iat: unknown, nowMs: number, policy: FreshnessPolicy): string | null {
  if (typeof iat !== 'number' || !Number.isFinite(iat)) return 'the ID token has no numeric iat';
  const now = nowMs / 1000;
  if (iat > now + policy.toleranceSeconds) return 'the ID token was issued in the future';
  if (iat < now - policy.maxAgeSeconds - policy.toleranceSeconds)
    return 'the ID token was issued too long ago';
  return null;
}
