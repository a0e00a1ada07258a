import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type { AccessTokenVerifier, Caller } from './access-token.ts';
import { TokenRejectedError } from './access-token.ts';
import { ApiError, invalidToken } from './errors.ts';
import { KeysUnavailableError } from './issuer-keys.ts';

/** What the authenticated routes find in `ctx.state`. */
export interface AuthState {
  caller: Caller;
}

// RFC 6750 §2.1: `Bearer` (any case), one or more spaces, a token68.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** Requires `Authorization: Bearer <JWT access token>`; answers 401 `invalid_token` otherwise. */
export function bearerAuth(verify: AccessTokenVerifier, logger: Logger): Middleware<AuthState> {
  return async (ctx, next) => {
    const header = ctx.get('authorization');
    if (!header) throw invalidToken('An access token is required (Authorization: Bearer <token>).');
    const token = BEARER.exec(header)?.[1];
    if (!token) throw invalidToken('The Authorization header must be "Bearer <token>".');
    try {
      ctx.state.caller = await verify(token);
    } catch (error) {
      if (error instanceof TokenRejectedError) {
        logger.info({ reason: error.message, path: ctx.path }, 'notes api: token refused');
        throw invalidToken(error.message);
      }
      if (error instanceof KeysUnavailableError) {
        logger.warn({ err: error }, 'notes api: cannot get the issuer keys');
        throw new ApiError(503, 'temporarily_unavailable', 'Access tokens cannot be checked right now.', {
          'Retry-After': '5',
        });
      }
      throw error;
    }
    await next();
  };
}
