import type { Middleware } from 'koa';

/**
 * Headers on every BFF response. The BFF serves JSON and redirects only, so its CSP forbids everything;
 * auth and session answers are never cached; the callback URL (with its code) is never sent as a Referer.
 */
export function securityHeaders(options: { hsts?: boolean } = {}): Middleware {
  const always: Array<[string, string]> = [
    // Behind https only (PUBLIC_BFF_URL): browsers ignore HSTS over http, and localhost must stay reachable.
    ...(options.hsts
      ? [['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'] as [string, string]]
      : []),
    ['X-Content-Type-Options', 'nosniff'],
    ['X-Frame-Options', 'DENY'],
    ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"],
    ['Referrer-Policy', 'no-referrer'],
    ['Cross-Origin-Resource-Policy', 'same-site'],
  ];
  return (ctx, next) => {
    // Straight onto node's response: constant strings need none of koa's `ctx.set` coercions, and this runs on
    // every request.
    const { res } = ctx;
    for (const [name, value] of always) res.setHeader(name, value);
    if (ctx.path.startsWith('/auth/') || ctx.path.startsWith('/api/')) {
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Pragma', 'no-cache');
    }
    return next();
  };
}
