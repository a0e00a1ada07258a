import type { Middleware } from 'koa';
import { CSRF_HEADER, CSRF_HEADER_VALUE } from '@gatehouse/shared';
import { csrfRejected } from '../http/errors.ts';

/**
 * CSRF defence for `/api/*` and `POST /auth/logout`, in one place: a custom header no cross-site form or simple
 * request can send, plus an Origin allowlist and a refusal of cross-site fetch metadata.
 */
export function requireCsrf(allowedOrigins: readonly string[]): Middleware {
  const header = CSRF_HEADER.toLowerCase();
  return async (ctx, next) => {
    if (ctx.get(header) !== CSRF_HEADER_VALUE) {
      throw csrfRejected(`Missing or wrong ${CSRF_HEADER} header.`);
    }
    const origin = ctx.get('origin');
    if (origin && !allowedOrigins.includes(origin)) {
      throw csrfRejected('This origin is not allowed.');
    }
    if (ctx.get('sec-fetch-site') === 'cross-site') {
      throw csrfRejected('Cross-site requests are not allowed.');
    }
    await next();
  };
}
