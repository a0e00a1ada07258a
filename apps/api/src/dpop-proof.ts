import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, EmbeddedJWK, errors, jwtVerify } from 'jose';
import { TokenRejectedError } from './access-token.ts';

/**
 * Verification of DPoP proofs (RFC 9449 §4.3) for tokens bound to a key (`cnf.jkt`): a `dpop+jwt` signed by the
 * public key in its own header, that key's thumbprint the token's `jkt`, for this method and URL, for this token
 * (`ath`), recent (`iat`), and never seen before (`jti`, remembered for the window in which `iat` is accepted).
 */

export interface ProofContext {
  proof: string | undefined;
  method: string;
  /** The request's URL; only its origin and path count (`htu` carries no query or fragment). */
  url: URL;
  accessToken: string;
  /** The token's `cnf.jkt`. */
  jkt: string;
}

export type DpopVerifier = (context: ProofContext) => Promise<void>;

const ALGORITHMS = ['ES256', 'ES384', 'EdDSA', 'Ed25519', 'PS256', 'RS256'];
const MAX_PROOF_LENGTH = 4096;

export function dpopVerifier(options: {
  clock: () => number;
  windowSeconds?: number;
  maxRemembered?: number;
}): DpopVerifier {
  const window = options.windowSeconds ?? 60;
  const maxRemembered = options.maxRemembered ?? 100_000;
  /** jti → when it may be forgotten (epoch ms); insertion order is expiry order, so the oldest go first. */
  const seen = new Map<string, number>();

  function remember(jti: string, now: number): void {
    for (const [old, until] of seen) {
      if (until > now && seen.size < maxRemembered) break;
      seen.delete(old);
    }
    seen.set(jti, now + 2 * window * 1000);
  }

  return async ({ proof, method, url, accessToken, jkt }) => {
    if (!proof) throw new TokenRejectedError('This access token is DPoP-bound: a DPoP proof is required.');
    if (proof.length > MAX_PROOF_LENGTH) throw new TokenRejectedError('The DPoP proof is too long.');
    const now = options.clock();
    let payload: Record<string, unknown>;
    let jwk: Record<string, unknown>;
    try {
      const verified = await jwtVerify(proof, EmbeddedJWK, {
        typ: 'dpop+jwt',
        algorithms: ALGORITHMS,
        currentDate: new Date(now),
        maxTokenAge: `${window}s`,
        clockTolerance: window,
        requiredClaims: ['htm', 'htu', 'iat', 'jti', 'ath'],
      });
      payload = verified.payload;
      jwk = verified.protectedHeader.jwk as Record<string, unknown>;
    } catch (error) {
      const stale = error instanceof errors.JWTExpired || error instanceof errors.JWTClaimValidationFailed;
      throw new TokenRejectedError(
        stale ? 'The DPoP proof is not acceptable now.' : 'The DPoP proof is not valid.',
        {
          cause: error,
        },
      );
    }
    if ((await calculateJwkThumbprint(jwk)) !== jkt) {
      throw new TokenRejectedError('The DPoP proof is signed by another key than the token is bound to.');
    }
    if (payload['htm'] !== method || payload['htu'] !== `${url.origin}${url.pathname}`) {
      throw new TokenRejectedError('The DPoP proof is for another request.');
    }
    if (payload['ath'] !== createHash('sha256').update(accessToken).digest('base64url')) {
      throw new TokenRejectedError('The DPoP proof is for another access token.');
    }
    const jti = payload['jti'];
    if (typeof jti !== 'string' || jti.length > 256 || seen.has(jti)) {
      throw new TokenRejectedError('The DPoP proof was already used.');
    }
    remember(jti, now);
  };
}
