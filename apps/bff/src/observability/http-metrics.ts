import type { Middleware } from 'koa';
import type { Metrics } from './metrics.ts';

/** What the route label says for a request no route matched (404s, scans): one series, whatever the path. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Times every request and records it under its route *pattern* (`/api/sessions/:id`), which @koa/router leaves
 * in `ctx._matchedRoute`; never the raw path, which holds ids and whatever a scanner sends. Placed before the
 * error handler, so the status is the one the client got.
 */
export function httpMetrics(metrics: Metrics): Middleware {
  // An async function rather than promise callbacks: no closures made per request to carry the start time.
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const route = (ctx as { _matchedRoute?: unknown })._matchedRoute;
      metrics.httpRequest(
        typeof route === 'string' ? route : UNMATCHED_ROUTE,
        ctx.method,
        ctx.status,
        (performance.now() - started) / 1000,
      );
    }
  };
}
