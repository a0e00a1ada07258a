import { SessionClaimValueSchema, type SessionClaims } from '@gatehouse/shared';

/**
 * The provider's `sessionClaims` the user has, as the session keeps them. Only strings, numbers, booleans and
 * lists of them: an object claim (an address, say) is not kept rather than kept half-understood.
 */
export function pickSessionClaims(
  claims: Readonly<Record<string, unknown>>,
  names: readonly string[] | undefined,
): SessionClaims {
  const kept: SessionClaims = {};
  for (const name of names ?? []) {
    const parsed = SessionClaimValueSchema.safeParse(claims[name]);
    if (parsed.success) kept[name] = parsed.data;
  }
  return kept;
}

/**
 * After a refresh that brought a new ID token: its claims replace the kept ones; a claim the new token does not
 * carry keeps the value it had (it may have come from user info, which a refresh does not call).
 */
export function refreshSessionClaims(
  previous: SessionClaims | undefined,
  idTokenClaims: Readonly<Record<string, unknown>> | undefined,
  names: readonly string[] | undefined,
): SessionClaims {
  if (!idTokenClaims) return previous ?? {};
  return { ...previous, ...pickSessionClaims(idTokenClaims, names) };
}
