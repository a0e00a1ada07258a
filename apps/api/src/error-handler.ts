import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { ApiError, type ApiErrorCode } from './errors.ts';

const CODE_BY_STATUS: Partial<Record<number, ApiErrorCode>> = {
  400: 'invalid_request',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

/** koa and the router throw http-errors with a `status`; only 4xx ones are the client's doing. */
function clientError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  const message = status === 405 ? 'This method is not allowed here.' : 'The request is not valid.';
  return new ApiError(status, CODE_BY_STATUS[status] ?? 'invalid_request', message, {
    ...((error as { headers?: Record<string, string> }).headers ?? {}),
  });
}

/** First in the chain: every failure becomes a JSON error; nothing unexpected (no stack) leaks. */
export function errorHandler(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.body == null && ctx.status === 404) throw new ApiError(404, 'not_found', 'Not found.');
      // Set by the router's allowedMethods, with an `Allow` header (kept: headers are not reset below).
      if (ctx.body == null && (ctx.status === 405 || ctx.status === 501)) {
        throw new ApiError(405, 'method_not_allowed', `${ctx.method} is not allowed here.`);
      }
    } catch (error) {
      const known = clientError(error);
      if (!known || known.status >= 500) {
        logger[known ? 'warn' : 'error']({ err: error, path: ctx.path }, 'notes api: request failed');
      }
      const answer = known ?? new ApiError(500, 'server_error', 'Something went wrong on our side.');
      ctx.status = answer.status;
      ctx.type = 'application/json';
      ctx.body = { error: answer.code, message: answer.message };
      for (const [name, value] of Object.entries(answer.headers)) ctx.set(name, value);
    }
  };
}
