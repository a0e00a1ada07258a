import { errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { KeysUnavailableError } from './issuer-keys.ts';

/**
 * Verification of JWT access tokens (RFC 9068): signature against the issuer's keys, `typ` `at+jwt`,
 * `iss`, `aud`, `exp` (and `nbf`), and the claims the profile requires. Unsigned (`alg: none`) and
 * symmetric (`HS*`) tokens never verify: only the asymmetric algorithms listed are accepted.
 */

/** Who is calling, as the token says. */
export interface Caller {
  sub: string;
  clientId: string;
  scopes: string[];
  /** The thumbprint of the key the token is bound to (RFC 9449 `cnf.jkt`); absent for a bearer token. */
  jkt?: string;
}

/** The token is not acceptable; `message` says why, for the client's developer (never the token). */
export class TokenRejectedError extends Error {
  override name = 'TokenRejectedError';
}

export interface AccessTokenVerifierOptions {
  issuer: string;
  audience: string;
  keys: JWTVerifyGetKey;
  /** Milliseconds since the epoch (default `Date.now`). */
  clock?: () => number;
  /** Accepted `alg` values (default RS256, PS256, ES256, EdDSA). */
  algorithms?: string[];
  /** Seconds of leeway for `exp`/`nbf`/`iat` (default 5). */
  clockTolerance?: number;
}

export type AccessTokenVerifier = (token: string) => Promise<Caller>;

const DEFAULT_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'];
const MAX_TOKEN_LENGTH = 8192;

function reason(error: errors.JOSEError): string {
  if (error instanceof errors.JWTExpired) return 'The access token has expired.';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return 'The access token is not meant for this API.';
    if (error.claim === 'typ') return 'The access token is not a JWT access token (typ at+jwt).';
    return `The access token's "${error.claim}" claim is not acceptable.`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed)
    return 'The access token is signed with an algorithm not allowed.';
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) {
    return 'The access token signature is not valid.';
  }
  return 'The access token is malformed.';
}

export function accessTokenVerifier(options: AccessTokenVerifierOptions): AccessTokenVerifier {
  const clock = options.clock ?? Date.now;
  const algorithms = options.algorithms ?? DEFAULT_ALGORITHMS;
  const clockTolerance = options.clockTolerance ?? 5;

  return async (token) => {
    if (token.length > MAX_TOKEN_LENGTH) throw new TokenRejectedError('The access token is too long.');
    // A JWS in compact form; an opaque token (no dots) is the usual mistake: a token for another audience.
    if (token.split('.').length !== 3) {
      throw new TokenRejectedError('The access token is not a JWT; ask for one with resource=<this API>.');
    }
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, options.keys, {
        issuer: options.issuer,
        audience: options.audience,
        typ: 'at+jwt',
        algorithms,
        clockTolerance,
        currentDate: new Date(clock()),
        requiredClaims: ['iss', 'aud', 'exp', 'iat', 'sub', 'client_id'],
      }));
    } catch (error) {
      if (error instanceof KeysUnavailableError) throw error;
      if (error instanceof errors.JOSEError) throw new TokenRejectedError(reason(error), { cause: error });
      // Anything else thrown while taking a hostile token apart is still the token's fault.
      throw new TokenRejectedError('The access token is malformed.', { cause: error });
    }
    const { sub, client_id: clientId, scope } = payload;
    if (typeof sub !== 'string' || sub.length === 0 || sub.length > 255) {
      throw new TokenRejectedError('The access token\'s "sub" claim is not acceptable.');
    }
    if (typeof clientId !== 'string' || clientId.length === 0) {
      throw new TokenRejectedError('The access token\'s "client_id" claim is not acceptable.');
    }
    const scopes = typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [];
    const jkt = (payload['cnf'] as { jkt?: unknown } | undefined)?.jkt;
    return { sub, clientId, scopes, ...(typeof jkt === 'string' ? { jkt } : {}) };
  };
}
