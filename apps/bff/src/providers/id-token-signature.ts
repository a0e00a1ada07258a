import { constants, KeyObject, verify, type VerifyKeyObjectInput, type webcrypto } from 'node:crypto';
import { errors, type CryptoKey, type FlattenedJWSInput, type JWSHeaderParameters } from 'jose';
import { decodeBase64url } from '../security/base64url.ts';

/**
 * The signature check of a compact JWS (an ID token), with the provider's key set from jose and the signature
 * primitive from node:crypto.
 *
 * Why not jose's `compactVerify`: in Node 20 it can only use WebCrypto, where every verification is a thread-pool
 * job and a promise. That hop, not RSA itself (about 30 µs), cost a sign-in 0.6 ms at the median under load, a
 * quarter of everything the BFF adds to it (docs/decisions/012). jose still does everything around the
 * signature: fetching and caching the keys, refetching for an unknown kid with a cooldown, choosing the key by
 * kid, kty, crv, alg, use and key_ops, and importing it. openid-client checks the header's alg and every claim.
 */

/** A JWKS lookup as jose builds one (`createRemoteJWKSet`, `createLocalJWKSet`). */
export type SigningKeyLookup = (
  protectedHeader?: JWSHeaderParameters,
  token?: FlattenedJWSInput,
) => Promise<CryptoKey>;

interface Scheme {
  digest: 'sha256' | 'sha384' | 'sha512' | null;
  keyTypes: readonly string[];
  /** RSA keys shorter than this are refused, as jose refuses them (RFC 7518 §3.3 asks for 2048 bits). */
  minRsaBits?: number;
  curve?: string;
  padding?: 'pss';
  /** JWS carries ECDSA signatures as r || s (RFC 7518 §3.4), not DER. */
  p1363?: boolean;
}

const rsa = (digest: Scheme['digest']): Scheme => ({ digest, keyTypes: ['rsa'], minRsaBits: 2048 });
const pss = (digest: Scheme['digest']): Scheme => ({
  digest,
  keyTypes: ['rsa', 'rsa-pss'],
  minRsaBits: 2048,
  padding: 'pss',
});
const ecdsa = (digest: Scheme['digest'], curve: string): Scheme => ({
  digest,
  keyTypes: ['ec'],
  curve,
  p1363: true,
});

/** The algorithms a provider may be pinned to (`idTokenSignedResponseAlg`): asymmetric ones only. */
const SCHEMES: Readonly<Record<string, Scheme>> = {
  RS256: rsa('sha256'),
  RS384: rsa('sha384'),
  RS512: rsa('sha512'),
  PS256: pss('sha256'),
  PS384: pss('sha384'),
  PS512: pss('sha512'),
  ES256: ecdsa('sha256', 'prime256v1'),
  ES384: ecdsa('sha384', 'secp384r1'),
  ES512: ecdsa('sha512', 'secp521r1'),
  EdDSA: { digest: null, keyTypes: ['ed25519', 'ed448'] },
  Ed25519: { digest: null, keyTypes: ['ed25519'] },
};

// jose caches its imported keys, so the same CryptoKey comes back for the same JWK: convert each once.
const keyObjects = new WeakMap<object, KeyObject>();

function keyObject(key: CryptoKey): KeyObject {
  let object = keyObjects.get(key);
  if (!object) {
    object = KeyObject.from(key as webcrypto.CryptoKey);
    keyObjects.set(key, object);
  }
  return object;
}

function parseHeader(encoded: string): JWSHeaderParameters {
  const bytes = decodeBase64url(encoded);
  let header: unknown;
  try {
    header = bytes ? JSON.parse(bytes.toString('utf8')) : null;
  } catch {
    header = null;
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new errors.JWSInvalid('JWS Protected Header is invalid');
  }
  return header as JWSHeaderParameters;
}

function verifies(key: KeyObject, scheme: Scheme, input: Buffer, signature: Buffer): boolean {
  if (!scheme.keyTypes.includes(key.asymmetricKeyType ?? '')) return false;
  const details = key.asymmetricKeyDetails ?? {};
  if (scheme.minRsaBits && (details.modulusLength ?? 0) < scheme.minRsaBits) return false;
  if (scheme.curve && details.namedCurve !== scheme.curve) return false;
  const options: VerifyKeyObjectInput =
    scheme.padding === 'pss'
      ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
      : scheme.p1363
        ? { key, dsaEncoding: 'ieee-p1363' }
        : { key };
  try {
    return verify(scheme.digest, input, options, signature);
  } catch {
    return false; // a signature of the wrong size for the key, say
  }
}

/**
 * Resolves when `jws` is a compact JWS signed with `alg` by a key of `keys`; rejects with a jose error otherwise
 * (`JWSInvalid`, `JOSEAlgNotAllowed`, `JWSSignatureVerificationFailed`, or the key set's own).
 */
export async function verifyCompactSignature(
  jws: string,
  keys: SigningKeyLookup,
  alg: string,
): Promise<void> {
  const scheme = SCHEMES[alg];
  if (!scheme) throw new errors.JOSENotSupported(`"${alg}" is not an asymmetric JWS algorithm`);
  const parts = jws.split('.');
  if (parts.length !== 3) throw new errors.JWSInvalid('Invalid Compact JWS');
  const [encodedHeader, payload, encodedSignature] = parts as [string, string, string];
  const header = parseHeader(encodedHeader);
  if (header.alg !== alg) {
    throw new errors.JOSEAlgNotAllowed('"alg" (Algorithm) Header Parameter value not allowed');
  }
  // No extension is understood here, so a token that marks one critical must be refused (RFC 7515 §4.1.11).
  if (header.crit !== undefined) throw new errors.JWSInvalid('JWS "crit" Header Parameter is not supported');
  const signature = decodeBase64url(encodedSignature);
  if (!signature || decodeBase64url(payload) === null) throw new errors.JWSInvalid('Invalid Compact JWS');
  // Both segments are canonical base64url, hence ASCII: the signing input is their bytes as they are.
  const input = Buffer.from(`${encodedHeader}.${payload}`, 'latin1');
  const token: FlattenedJWSInput = { protected: encodedHeader, payload, signature: encodedSignature };
  // A token without kid that several keys of the set could have signed is refused by the set itself
  // (`JWKSMultipleMatchingKeys`), as OpenID's rp-id_token-kid-absent-multiple-jwks test expects.
  const key = keyObject(await keys(header, token));
  if (!verifies(key, scheme, input, signature)) throw new errors.JWSSignatureVerificationFailed();
}
