import type { StepUpRequest } from '../store/store.ts';

/** Clock difference allowed between us and the provider when judging `auth_time`. */
const AUTH_TIME_TOLERANCE_SECONDS = 30;

/**
 * Why the ID token does not prove what a step-up asked for, or null when it does. A provider may ignore
 * `acr_values` (they are voluntary) or `max_age`; so the returned `acr` must be one asked for, and `auth_time`
 * must be present and recent enough by our own clock, whatever the provider did with the request.
 */
export function stepUpProblem(
  claims: { acr?: unknown; auth_time?: unknown },
  stepUp: StepUpRequest,
  nowMs: number,
): string | null {
  if (stepUp.acr && !(typeof claims.acr === 'string' && stepUp.acr.includes(claims.acr))) {
    return `the provider returned acr ${JSON.stringify(claims.acr ?? null)}, not one asked for`;
  }
  if (stepUp.maxAge !== null) {
    if (typeof claims.auth_time !== 'number') return 'the provider returned no auth_time';
    const age = nowMs / 1000 - claims.auth_time;
    if (age > stepUp.maxAge + AUTH_TIME_TOLERANCE_SECONDS) {
      return `the provider returned an auth_time ${Math.round(age)} s old, more than max_age ${stepUp.maxAge}`;
    }
  }
  return null;
}

/** What a session records of how its user authenticated, from the ID token's claims. */
export function authenticationOf(claims: { acr?: unknown; auth_time?: unknown } | undefined): {
  acr: string | null;
  authTime: number | null;
} {
  return {
    acr: typeof claims?.acr === 'string' ? claims.acr : null,
    authTime: typeof claims?.auth_time === 'number' ? claims.auth_time * 1000 : null,
  };
}
