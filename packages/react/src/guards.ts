import type {
  ErrorBody,
  ProviderSummary,
  SessionEnded,
  SessionInfo,
  SessionSummary,
  UserInfo,
} from '@gatehouse/shared';

/**
 * Shape checks for what the BFF answers. Hand-written rather than the shared zod schemas: a browser bundle
 * would pay about 20 kB gzipped for zod (see docs/decisions/021-real-react-19.md). The BFF's tests hold the
 * server to the zod schemas; these only refuse what the client could not use.
 */
export type Guard<T> = (data: unknown) => data is T;

type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null;
const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const isNullableText = (value: unknown): boolean => value === null || typeof value === 'string';
const isTime = (value: unknown): value is string => isText(value) && !Number.isNaN(Date.parse(value));

export const listOf =
  <T>(item: Guard<T>): Guard<T[]> =>
  (data): data is T[] =>
    Array.isArray(data) && data.every(item);

function isUserInfo(value: unknown): value is UserInfo {
  return (
    isObject(value) &&
    isText(value.sub) &&
    isNullableText(value.name ?? null) &&
    isNullableText(value.email ?? null) &&
    isNullableText(value.picture ?? null)
  );
}

export function isSessionInfo(value: unknown): value is SessionInfo {
  return (
    isObject(value) &&
    isUserInfo(value.user) &&
    isText(value.provider) &&
    isTime(value.createdAt) &&
    isTime(value.expiresAt) &&
    isTime(value.idleExpiresAt) &&
    isObject(value.claims) &&
    (value.idleTimeoutSeconds === undefined ||
      (typeof value.idleTimeoutSeconds === 'number' && value.idleTimeoutSeconds > 0))
  );
}

export function isSessionSummary(value: unknown): value is SessionSummary {
  return (
    isObject(value) &&
    isText(value.id) &&
    typeof value.current === 'boolean' &&
    isTime(value.createdAt) &&
    isTime(value.lastSeenAt) &&
    isNullableText(value.userAgent) &&
    isText(value.provider)
  );
}

export function isProviderSummary(value: unknown): value is ProviderSummary {
  return isObject(value) && isText(value.name) && isText(value.label) && typeof value.available === 'boolean';
}

export function isErrorBody(value: unknown): value is ErrorBody {
  return isObject(value) && isText(value.error) && typeof value.message === 'string';
}

/** The body of 401 `step_up_required`: what the sign-in must prove (both fields present, either may be null). */
export function isStepUpBody(
  value: unknown,
): value is ErrorBody & { acr: string[] | null; maxAge: number | null } {
  return (
    isErrorBody(value) &&
    value.error === 'step_up_required' &&
    'acr' in value &&
    (value.acr === null || (Array.isArray(value.acr) && value.acr.length > 0 && value.acr.every(isText))) &&
    'maxAge' in value &&
    (value.maxAge === null || (Number.isInteger(value.maxAge) && (value.maxAge as number) >= 0))
  );
}

export function isLogoutResponse(value: unknown): value is { redirectTo: string } {
  return isObject(value) && isText(value.redirectTo);
}

const END_REASONS: readonly string[] = ['signed_out', 'revoked', 'expired', 'provider_logout'];

export function isSessionEnded(value: unknown): value is SessionEnded {
  return isObject(value) && typeof value.reason === 'string' && END_REASONS.includes(value.reason);
}
