import type { Middleware } from 'koa';
import { CSRF_HEADER, CSRF_HEADER_VALUE } from '@gatehouse/shared';
import { csrfRejected } from '../http/errors.ts';

const CSRF_HEADER_NAME = CSRF_HEADER.toLowerCase();

/**
 * CSRF defence for `/api/*` and `POST /auth/logout`, in one place: a custom header no cross-site form or simple
 * request can send, plus an Origin (else Referer) allowlist and a refusal of cross-site fetch metadata.
 * A request with neither Origin nor Referer passes on the header alone: a browser cannot add `X-CSRF` to a
 * cross-origin request without a CORS preflight, which `security/cors.ts` answers only for the SPA origins.
 *
 * Answers why the request is refused, or null when it may pass. `header` reads a request header by its
 * lower-case name ('' when absent).
 */
export function csrfRefusal(
  header: (name: string) => string,
  allowedOrigins: readonly string[],
): string | null {
  if (header(CSRF_HEADER_NAME) !== CSRF_HEADER_VALUE) return `Missing or wrong ${CSRF_HEADER} header.`;
  const origin = header('origin');
  if (origin && !allowedOrigins.includes(origin)) return 'This origin is not allowed.';
  // No Origin (an older browser, or a same-origin GET): a Referer, when sent, must name an allowed origin too.
  const referer = origin ? '' : header('referer');
  if (referer && !allowedOrigins.includes(originOf(referer))) return 'This origin is not allowed.';
  if (header('sec-fetch-site') === 'cross-site') return 'Cross-site requests are not allowed.';
  return null;
}

export function requireCsrf(allowedOrigins: readonly string[]): Middleware {
  return (ctx, next) => {
    const refusal = csrfRefusal((name) => ctx.get(name), allowedOrigins);
    if (refusal) throw csrfRejected(refusal);
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
