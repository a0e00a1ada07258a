import type { Middleware } from 'koa';

/**
 * Headers on every BFF response. The BFF serves JSON and redirects only, so its CSP forbids everything;
 * auth and session answers are never cached; the callback URL (with its code) is never sent as a Referer.
 */
export function securityHeaders(options: { hsts?: boolean } = {}): Middleware {
  return async (ctx, next) => {
    // Behind https only (PUBLIC_BFF_URL): browsers ignore HSTS over http, and localhost must stay reachable.
    if (options.hsts) ctx.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('Cross-Origin-Resource-Policy', 'same-site');
    if (ctx.path.startsWith('/auth/') || ctx.path.startsWith('/api/')) {
      ctx.set('Cache-Control', 'no-store');
      ctx.set('Pragma', 'no-cache');
    }
    await next();
  };
}
