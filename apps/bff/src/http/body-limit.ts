import type { Middleware } from 'koa';
import { HttpError } from './errors.ts';

/**
 * Refuses a request whose declared body is larger than `maxBytes` before anything reads it:
 * `413 {"error":"payload_too_large"}`. Node has already refused malformed or conflicting lengths (400).
 *
 * Only two routes read a body: the API proxy streams it to the upstream (so the limit bounds what it relays),
 * and back-channel logout parses a form with its own 32 KiB limit. A chunked body declares no length; it is
 * bounded by whoever reads it and by the server's request timeout. Routes that read no body never buffer one.
 */
export function bodyLimit(maxBytes: number): Middleware {
  return (ctx, next) => {
    const declared = ctx.get('content-length');
    if (declared && Number(declared) > maxBytes) {
      throw new HttpError(413, 'payload_too_large', 'The request body is too large.');
    }
    return next();
  };
}
