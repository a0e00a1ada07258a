import type { Middleware } from 'koa';

export interface SecurityHeaderOptions {
  /** Strict-Transport-Security: behind https only (PUBLIC_BFF_URL). Browsers ignore it over http. */
  hsts?: boolean;
}

/** What auth and session answers carry besides: never cached. */
export const NO_STORE_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['Cache-Control', 'no-store'],
  ['Pragma', 'no-cache'],
];

/**
 * The headers on every BFF response. The BFF serves JSON and redirects only, so its CSP forbids everything, and
 * the callback URL (with its code) is never sent as a Referer.
 */
export function securityHeaderList(
  options: SecurityHeaderOptions = {},
): ReadonlyArray<readonly [string, string]> {
  return [
    ...(options.hsts ? [['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'] as const] : []),
    ['X-Content-Type-Options', 'nosniff'],
    ['X-Frame-Options', 'DENY'],
    ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"],
    ['Referrer-Policy', 'no-referrer'],
    ['Cross-Origin-Resource-Policy', 'same-site'],
  ];
}

export function securityHeaders(options: SecurityHeaderOptions = {}): Middleware {
  const always = securityHeaderList(options);
  return (ctx, next) => {
    // Straight onto node's response: constant strings need none of koa's `ctx.set` coercions, and this runs on
    // every request.
    const { res } = ctx;
    for (const [name, value] of always) res.setHeader(name, value);
    if (ctx.path.startsWith('/auth/') || ctx.path.startsWith('/api/')) {
      for (const [name, value] of NO_STORE_HEADERS) res.setHeader(name, value);
    }
    return next();
  };
}
