import type { Middleware } from 'koa';
import type { ErrorBody, ErrorCode } from '@gatehouse/shared';
import type { Logger } from 'pino';
import { SignInError } from '../sign-in/sign-in-error.ts';
import { StoreUnavailableError } from '../store/store.ts';
import { HttpError, storeUnavailable } from './errors.ts';
import { httpErrorFor } from './sign-in-errors.ts';

const CODE_BY_STATUS: Partial<Record<number, ErrorCode>> = {
  400: 'invalid_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'invalid_request',
  429: 'rate_limited',
};

/** Errors from koa and its middleware (http-errors) carry a status; only 4xx ones are the client's fault. */
function clientStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = (error as { status?: unknown }).status ?? (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

function toHttpError(error: unknown): HttpError | undefined {
  if (error instanceof HttpError) return error;
  if (error instanceof StoreUnavailableError) return storeUnavailable();
  if (error instanceof SignInError) return httpErrorFor(error);
  const status = clientStatusOf(error);
  if (status !== undefined) {
    const code = CODE_BY_STATUS[status] ?? 'invalid_request';
    const message = status === 413 ? 'The request body is too large.' : 'The request is not valid.';
    return new HttpError(status, code, message);
  }
  return undefined;
}

/** First in the chain: every failure becomes the contract's JSON error; nothing unexpected leaks. */
export function errorHandler(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      // `respond === false`: a handler wrote the answer itself (the proxy relaying an upstream's own 404).
      if (ctx.status === 404 && ctx.body === undefined && ctx.respond !== false) {
        throw new HttpError(404, 'not_found', 'Not found.');
      }
    } catch (error) {
      const known = toHttpError(error);
      const status = known?.status ?? 500;
      const body: ErrorBody = known?.expose
        ? { error: known.code, message: known.message, ...known.details }
        : { error: 'server_error', message: 'Something went wrong on our side.' };
      if (!known || status >= 500) {
        const log = ctx.state.log ?? logger;
        log[status >= 500 && status !== 503 ? 'error' : 'warn']({ err: error, status }, 'request failed');
      }
      // Drop whatever the failed handler set, but keep cookies it was told to clear and our own headers.
      ctx.status = status;
      ctx.type = 'application/json';
      ctx.body = body;
      ctx.set('Cache-Control', 'no-store');
      for (const [name, value] of Object.entries(known?.headers ?? {})) ctx.set(name, value);
    }
  };
}
