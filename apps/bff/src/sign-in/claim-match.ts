import type { ClaimValues } from '../config/providers-file.ts';

/** A claim's value as text for comparison: strings as they are, numbers and booleans spelled out. */
const asComparable = (value: unknown): string | null =>
  typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : null;

/** Whether one claim equals one of `wanted`, or — being a list — holds one of them. */
export function claimMatches(value: unknown, wanted: readonly string[]): boolean {
  const values = Array.isArray(value) ? value : [value];
  return values.some((item) => {
    const text = asComparable(item);
    return text !== null && wanted.includes(text);
  });
}

/** The first required claim `claims` does not satisfy, or null when all of them are. */
export function unmetClaim(claims: Readonly<Record<string, unknown>>, required: ClaimValues): string | null {
  for (const [claim, wanted] of Object.entries(required)) {
    if (!claimMatches(claims[claim], wanted)) return claim;
  }
  return null;
}
