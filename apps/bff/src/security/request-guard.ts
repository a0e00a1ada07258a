import type { Middleware } from 'koa';
import { CSRF_HEADER, CSRF_HEADER_VALUE } from '@gatehouse/shared';
import { csrfRejected } from '../http/errors.ts';

/**
 * CSRF defence for `/api/*` and `POST /auth/logout`, in one place: a custom header no cross-site form or simple
 * request can send, plus an Origin (else Referer) allowlist and a refusal of cross-site fetch metadata.
 * A request with neither Origin nor Referer passes on the header alone: a browser cannot add `X-CSRF` to a
 * cross-origin request without a CORS preflight, which `security/cors.ts` answers only for the SPA origins.
 */
export function requireCsrf(allowedOrigins: readonly string[]): Middleware {
  const header = CSRF_HEADER.toLowerCase();
  return (ctx, next) => {
    if (ctx.get(header) !== CSRF_HEADER_VALUE) {
      throw csrfRejected(`Missing or wrong ${CSRF_HEADER} header.`);
    }
    const origin = ctx.get('origin');
    if (origin && !allowedOrigins.includes(origin)) {
      throw csrfRejected('This origin is not allowed.');
    }
    // No Origin (an older browser, or a same-origin GET): a Referer, when sent, must name an allowed origin too.
    const referer = origin ? '' : ctx.get('referer');
    if (referer && !allowedOrigins.includes(originOf(referer))) {
      throw csrfRejected('This origin is not allowed.');
    }
    if (ctx.get('sec-fetch-site') === 'cross-site') {
      throw csrfRejected('Cross-site requests are not allowed.');
    }
    return next();
  };
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'null';
  }
}
