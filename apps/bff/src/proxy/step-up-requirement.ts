import type { ApiConfig } from '../config/providers-file.ts';
import { stepUpRequired, type HttpError } from '../http/errors.ts';
import type { StoredSession } from '../store/store.ts';

/**
 * The 401 `step_up_required` a session gets when the API's `require.acr` or `require.maxAge` is not met, or null.
 * The body names both requirements, so the SPA can send the user to `/auth/login?acr=...&maxAge=...` as is.
 */
export function stepUpRequirement(
  api: Pick<ApiConfig, 'name' | 'require'>,
  session: StoredSession,
  now: number,
): HttpError | null {
  const acr = api.require?.acr ?? null;
  const maxAge = api.require?.maxAge ?? null;
  if (acr === null && maxAge === null) return null;
  const acrMet = acr === null || (typeof session.acr === 'string' && acr.includes(session.acr));
  const recent =
    maxAge === null || (typeof session.authTime === 'number' && now - session.authTime <= maxAge * 1000);
  if (acrMet && recent) return null;
  const why = acrMet ? 'a more recent sign-in' : 'a stronger sign-in';
  return stepUpRequired(`The "${api.name}" API needs ${why}.`, acr, maxAge);
}
