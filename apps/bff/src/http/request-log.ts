import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';

const INCOMING_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The request's `ctx.state`. Its `log` (a child logger carrying the request id) is made on first use: pino
 * serialises a child's bindings when it is made, a noticeable share of a whole `GET /api/session`, and most
 * requests never log anything but the access line (which carries the id itself).
 */
class RequestState {
  readonly #root: Logger;
  #log: Logger | undefined;
  constructor(
    root: Logger,
    readonly requestId: string,
  ) {
    this.#root = root;
  }
  get log(): Logger {
    return (this.#log ??= this.#root.child({ requestId: this.requestId }));
  }
}

/**
 * A request id (the caller's `X-Request-Id` when well-formed) on every response and log line, and one access
 * log line per request (none below the info level). Only the path is logged: query strings carry codes and
 * states.
 */
export function requestLog(logger: Logger): Middleware {
  // The access line holds only these five fields, none of them a secret: redaction, which pino runs on every
  // line and which cost several times the rest of the line, has nothing to find in it.
  const access = logger.child({}, { redact: { paths: [] } });
  return async (ctx, next) => {
    const incoming = ctx.get('x-request-id');
    const requestId = INCOMING_ID.test(incoming) ? incoming : randomUUID();
    ctx.set('X-Request-Id', requestId);
    // First in the chain, so nothing has put anything in the state koa made yet.
    ctx.state = new RequestState(logger, requestId);
    if (!logger.isLevelEnabled('info')) return next();
    const started = performance.now();
    try {
      await next();
    } finally {
      access.info(
        {
          requestId,
          method: ctx.method,
          path: ctx.path,
          status: ctx.status,
          ms: Math.round(performance.now() - started),
        },
        'request',
      );
    }
  };
}
