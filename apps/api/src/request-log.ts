import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type { AuthState } from './bearer-auth.ts';

/** One line per request: method, path (never the query or headers), status, duration and the caller. */
export function requestLog(logger: Logger): Middleware<Partial<AuthState>> {
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      logger.info(
        {
          method: ctx.method,
          path: ctx.path,
          status: ctx.status,
          ms: Math.round(performance.now() - started),
          sub: ctx.state.caller?.sub,
        },
        'notes api: request',
      );
    }
  };
}
