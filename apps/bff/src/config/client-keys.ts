import { createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * `clientKeys` of a provider: the private keys the BFF signs `private_key_jwt` client assertions with (RFC 7523).
 * Each is a JWK (an object, or its JSON text from `${VAR}`) or a PEM file (PKCS #8 or PKCS #1), with a key id. The
 * first key signs; all of them are published, public halves only, at `GET /auth/jwks.json`, so a new key can be
 * put first while providers still hold the old one. Keys are read and checked once, at start-up.
 */

/** The JWS algorithm each key type signs with, unless the operator names one. */
const SIGNING_ALGS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;
export type ClientKeyAlg = (typeof SIGNING_ALGS)[number];

const CURVE_ALGS: Record<string, ClientKeyAlg> = {
  prime256v1: 'ES256',
  secp384r1: 'ES384',
  secp521r1: 'ES512',
};

export interface ClientKey {
  kid: string;
  alg: ClientKeyAlg;
  /** The private key as a JWK, for signing; never served, never logged. */
  privateJwk: JsonWebKey;
  /** The public half, as `GET /auth/jwks.json` serves it. */
  publicJwk: JsonWebKey & { kid: string; alg: ClientKeyAlg; use: 'sig' };
}

function defaultAlg(key: KeyObject): ClientKeyAlg | string {
  const type = key.asymmetricKeyType;
  if (type === 'rsa') return 'RS256';
  if (type === 'rsa-pss') return 'PS256';
  if (type === 'ed25519') return 'EdDSA';
  if (type === 'ec') return CURVE_ALGS[key.asymmetricKeyDetails?.namedCurve ?? ''] ?? 'an unsupported curve';
  return `an unsupported key type (${type ?? 'unknown'})`;
}

function algFits(key: KeyObject, alg: ClientKeyAlg): boolean {
  const type = key.asymmetricKeyType;
  if (alg.startsWith('RS') || alg.startsWith('PS'))
    return type === 'rsa' || (type === 'rsa-pss' && alg.startsWith('PS'));
  if (alg === 'EdDSA') return type === 'ed25519';
  return type === 'ec' && CURVE_ALGS[key.asymmetricKeyDetails?.namedCurve ?? ''] === alg;
}

/** Parses the key material; the messages name the field, never any part of the key. */
function privateKeyOf(
  source: { jwk?: string | Record<string, unknown> | undefined; pemFile?: string | undefined },
  fail: (path: string, message: string) => void,
): KeyObject | undefined {
  if (source.jwk !== undefined) {
    let jwk: unknown = source.jwk;
    if (typeof jwk === 'string') {
      try {
        jwk = JSON.parse(jwk);
      } catch {
        fail('jwk', 'is not a JWK (JSON text of a private key)');
        return undefined;
      }
    }
    if (typeof jwk !== 'object' || jwk === null || !('d' in jwk)) {
      fail('jwk', 'is not a private key (a JWK with "d")');
      return undefined;
    }
    try {
      return createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' });
    } catch {
      fail('jwk', 'is not a usable private key');
      return undefined;
    }
  }
  let pem: string;
  try {
    pem = readFileSync(source.pemFile!, 'utf8');
  } catch (error) {
    fail('pemFile', `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    return undefined;
  }
  try {
    return createPrivateKey(pem);
  } catch {
    fail('pemFile', 'holds no usable PEM private key');
    return undefined;
  }
}

const ClientKeySchema = z
  .object({
    kid: z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1-64 letters, digits, ".", "_", ":" or "-"'),
    jwk: z.union([z.string().min(1), z.record(z.string(), z.unknown())]).optional(),
    pemFile: z.string().min(1).optional(),
    alg: z.enum(SIGNING_ALGS).optional(),
  })
  .strict()
  .transform((entry, ctx): ClientKey => {
    const fail = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if ((entry.jwk === undefined) === (entry.pemFile === undefined)) {
      fail('jwk', 'give either "jwk" or "pemFile"');
      return z.NEVER;
    }
    const key = privateKeyOf(entry, fail);
    if (!key) return z.NEVER;
    const alg = entry.alg ?? defaultAlg(key);
    if (!(SIGNING_ALGS as readonly string[]).includes(alg)) {
      fail(entry.jwk === undefined ? 'pemFile' : 'jwk', `is ${alg}`);
      return z.NEVER;
    }
    if (!algFits(key, alg as ClientKeyAlg)) {
      fail('alg', `does not fit a ${key.asymmetricKeyType} key`);
      return z.NEVER;
    }
    if (key.asymmetricKeyType?.startsWith('rsa') && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
      fail(entry.jwk === undefined ? 'pemFile' : 'jwk', 'is an RSA key shorter than 2048 bits');
      return z.NEVER;
    }
    const { kid } = entry;
    const publicJwk = createPublicKey(key).export({ format: 'jwk' });
    return {
      kid,
      alg: alg as ClientKeyAlg,
      privateJwk: key.export({ format: 'jwk' }),
      publicJwk: { ...publicJwk, kid, alg: alg as ClientKeyAlg, use: 'sig' },
    };
  });

export const ClientKeysSchema = z
  .array(ClientKeySchema)
  .min(1, 'needs at least one key')
  .max(8)
  .superRefine((keys, ctx) => {
    const seen = new Set<string>();
    keys.forEach((key, index) => {
      if (seen.has(key.kid))
        ctx.addIssue({ code: 'custom', path: [index, 'kid'], message: 'is a duplicate' });
      seen.add(key.kid);
    });
  });
