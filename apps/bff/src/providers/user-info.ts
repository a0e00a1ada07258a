import type { UserInfo } from '@gatehouse/shared';
import type { ClaimsMapping } from '../config/providers-file.ts';

type Claims = Record<string, unknown>;

export const asText = (value: unknown): string | null =>
  typeof value === 'string' && value.length > 0 ? value : typeof value === 'number' ? String(value) : null;

/** Maps a provider's claims onto `UserInfo` with the provider's `claims` mapping (GitHub's `id` → `sub`, …). */
export function mapUserInfo(claims: Claims, mapping: ClaimsMapping): UserInfo {
  const sub = asText(claims[mapping.sub]);
  if (!sub) throw new Error(`the provider's user info has no "${mapping.sub}"`);
  return {
    sub,
    name: asText(claims[mapping.name]),
    email: asText(claims[mapping.email]),
    picture: asText(claims[mapping.picture]),
  };
}
