import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type { AccessTokenVerifier, Caller } from './access-token.ts';
import { TokenRejectedError } from './access-token.ts';
import type { DpopVerifier } from './dpop-proof.ts';
import { ApiError, invalidToken } from './errors.ts';
import { KeysUnavailableError } from './issuer-keys.ts';

/** What the authenticated routes find in `ctx.state`. */
export interface AuthState {
  caller: Caller;
}

// RFC 6750 §2.1 / RFC 9449 §7.1: `Bearer` or `DPoP` (any case), one or more spaces, a token68.
const AUTHORIZATION = /^(Bearer|DPoP) +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * Requires `Authorization: Bearer <JWT access token>`, or `DPoP <token>` with a `DPoP` proof for a token bound to
 * a key (`cnf.jkt`); a bound token under the Bearer scheme, or an unbound one under DPoP, is refused. Answers 401
 * `invalid_token` otherwise.
 */
export function bearerAuth(
  verify: AccessTokenVerifier,
  logger: Logger,
  verifyProof?: DpopVerifier,
): Middleware<AuthState> {
  return async (ctx, next) => {
    const header = ctx.get('authorization');
    if (!header) throw invalidToken('An access token is required (Authorization: Bearer <token>).');
    const match = AUTHORIZATION.exec(header);
    const token = match?.[2];
    if (!token) throw invalidToken('The Authorization header must be "Bearer <token>".');
    const dpopScheme = match[1]!.toLowerCase() === 'dpop';
    try {
      const caller = await verify(token);
      if (caller.jkt !== undefined || dpopScheme) {
        if (caller.jkt === undefined || !dpopScheme || !verifyProof) {
          throw new TokenRejectedError(
            caller.jkt === undefined
              ? 'This access token is not DPoP-bound: send it as "Bearer <token>".'
              : 'This access token is DPoP-bound: send it as "DPoP <token>" with a DPoP proof.',
          );
        }
        const proofs = ctx.req.headers['dpop'];
        await verifyProof({
          proof: typeof proofs === 'string' ? proofs : undefined,
          method: ctx.method,
          url: new URL(ctx.originalUrl, `${ctx.protocol}://${ctx.host}`),
          accessToken: token,
          jkt: caller.jkt,
        });
      }
      ctx.state.caller = caller;
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
