import cors from '@koa/cors';
import type { Middleware } from 'koa';

/** CORS with credentials for the configured SPA origins only; any other origin gets no CORS headers at all. */
export function corsForSpa(allowedOrigins: readonly string[]): Middleware {
  return cors({
    origin: (ctx) => {
      const origin = ctx.get('origin');
      return allowedOrigins.includes(origin) ? origin : '';
    },
    credentials: true,
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowHeaders: ['X-CSRF', 'Content-Type', 'Accept'],
    maxAge: 600,
    secureContext: false,
    keepHeadersOnError: true,
  });
}
