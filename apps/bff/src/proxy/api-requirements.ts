import { unmetClaim } from '../sign-in/claim-match.ts';
import type { ApiConfig } from '../config/providers-file.ts';
import type { StoredSession } from '../store/store.ts';

/**
 * Why the session may not call the API (its `require`), or null when it may. Read from the claims the session
 * kept at sign-in (or its last ID token refresh): the browser has no say in them.
 */
export function requirementProblem(
  api: Pick<ApiConfig, 'name' | 'require'>,
  session: StoredSession,
): string | null {
  if (!api.require?.claims) return null;
  const claim = unmetClaim(session.claims ?? {}, api.require.claims);
  return claim === null ? null : `The "${api.name}" API needs a "${claim}" claim this session does not have.`;
}
