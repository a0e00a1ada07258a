export * from './user-info.ts';
export * from './session-claims.ts';
export * from './session-info.ts';
export * from './errors.ts';
export * from './providers.ts';
export * from './session-events.ts';
export * from './accounts.ts';

/** The header every `/api/*` call and `POST /auth/logout` must carry. */
export const CSRF_HEADER = 'X-CSRF';
export const CSRF_HEADER_VALUE = '1';
