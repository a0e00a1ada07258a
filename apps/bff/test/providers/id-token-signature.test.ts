import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import {
  createLocalJWKSet,
  errors,
  exportJWK,
  generateKeyPair,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWSHeaderParameters,
  type JWTHeaderParameters,
} from 'jose';
import { describe, expect, it } from 'vitest';
import { verifyCompactSignature } from '../../src/providers/id-token-signature.ts';

const CLAIMS = { iss: 'https://op.example', sub: 'alice', aud: 'gatehouse', nonce: 'n-1' };

interface Signer {
  publicJwk: JWK;
  sign(header?: Partial<JWSHeaderParameters>, claims?: Record<string, unknown>): Promise<string>;
}

async function signer(alg: string, kid: string, options: { crv?: string } = {}): Promise<Signer> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...options });
  return {
    publicJwk: { ...(await exportJWK(publicKey)), kid },
    sign: (header = {}, claims = CLAIMS) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg, kid, ...header } as JWTHeaderParameters)
        .sign(privateKey as CryptoKey),
  };
}

const keySet = (...jwks: JWK[]) => createLocalJWKSet({ keys: jwks });

/** Replaces one segment of a compact JWS. */
function withSegment(jws: string, index: number, value: string): string {
  const parts = jws.split('.');
  parts[index] = value;
  return parts.join('.');
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** RS256 by hand, for tokens jose refuses to sign (an unknown critical extension, a short key). */
function rs256(header: Record<string, unknown>, privateKey: KeyObject): string {
  const input = `${encode({ alg: 'RS256', ...header })}.${encode(CLAIMS)}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

function rsaKey(modulusLength: number, kid: string): { privateKey: KeyObject; jwk: JWK } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength });
  return { privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid } as JWK };
}

describe('ID token signature check', () => {
  it.each([
    ['RS256', {}],
    ['RS512', {}],
    ['PS256', {}],
    ['PS384', {}],
    ['ES256', {}],
    ['ES384', {}],
    ['ES512', {}],
    ['EdDSA', { crv: 'Ed25519' }],
  ])(
    'accepts a %s token signed by a key of the set, and refuses it once its claims are altered',
    async (alg, options) => {
      const key = await signer(alg, 'k1', options);
      const token = await key.sign();
      await expect(verifyCompactSignature(token, keySet(key.publicJwk), alg)).resolves.toBeUndefined();

      const forged = withSegment(token, 1, encode({ ...CLAIMS, sub: 'mallory' }));
      await expect(verifyCompactSignature(forged, keySet(key.publicJwk), alg)).rejects.toBeInstanceOf(
        errors.JWSSignatureVerificationFailed,
      );
    },
  );

  it('refuses a token signed by a key that is not in the set, even under a published kid', async () => {
    const published = await signer('RS256', 'k1');
    const attacker = await signer('RS256', 'k1');
    await expect(
      verifyCompactSignature(await attacker.sign(), keySet(published.publicJwk), 'RS256'),
    ).rejects.toBeInstanceOf(errors.JWSSignatureVerificationFailed);
  });

  it('refuses every algorithm but the pinned one, `none` included', async () => {
    const rs = await signer('RS256', 'k1');
    const ps = await signer('PS256', 'k1');
    await expect(
      verifyCompactSignature(await ps.sign(), keySet(ps.publicJwk), 'RS256'),
    ).rejects.toBeInstanceOf(errors.JOSEAlgNotAllowed);
    const unsigned = `${encode({ alg: 'none' })}.${encode(CLAIMS)}.`;
    await expect(verifyCompactSignature(unsigned, keySet(rs.publicJwk), 'RS256')).rejects.toBeInstanceOf(
      errors.JOSEAlgNotAllowed,
    );
    // An HMAC "signed" with the public key's bytes: the classic RS256 → HS256 confusion.
    const hs = `${encode({ alg: 'HS256', kid: 'k1' })}.${encode(CLAIMS)}.c2lnbmF0dXJl`;
    await expect(verifyCompactSignature(hs, keySet(rs.publicJwk), 'RS256')).rejects.toBeInstanceOf(
      errors.JOSEAlgNotAllowed,
    );
    await expect(
      verifyCompactSignature(await rs.sign(), keySet(rs.publicJwk), 'HS256'),
    ).rejects.toBeInstanceOf(errors.JOSENotSupported);
  });

  it('refuses a token that marks an extension critical', async () => {
    const { privateKey, jwk } = rsaKey(2048, 'k1');
    const plain = rs256({ kid: 'k1' }, privateKey);
    await expect(verifyCompactSignature(plain, keySet(jwk), 'RS256')).resolves.toBeUndefined();
    const critical = rs256({ kid: 'k1', crit: ['exp-ext'], 'exp-ext': true }, privateKey);
    await expect(verifyCompactSignature(critical, keySet(jwk), 'RS256')).rejects.toBeInstanceOf(
      errors.JWSInvalid,
    );
  });

  it.each([
    ['two segments', (t: string) => t.split('.').slice(0, 2).join('.')],
    ['four segments', (t: string) => `${t}.x`],
    ['a header that is not JSON', (t: string) => withSegment(t, 0, 'bm90IGpzb24')],
    ['a header that is an array', (t: string) => withSegment(t, 0, encode(['RS256']))],
    ['a signature outside base64url', (t: string) => withSegment(t, 2, 'a+b/c=')],
    ['a payload outside base64url', (t: string) => withSegment(t, 1, 'e30=')],
  ])('refuses a malformed token (%s) as invalid', async (_name, mangle) => {
    const key = await signer('RS256', 'k1');
    await expect(
      verifyCompactSignature(mangle(await key.sign()), keySet(key.publicJwk), 'RS256'),
    ).rejects.toBeInstanceOf(errors.JWSInvalid);
  });

  it('refuses a token whose signature has the wrong length for the key', async () => {
    const key = await signer('ES256', 'k1');
    const short = withSegment(await key.sign(), 2, Buffer.alloc(10).toString('base64url'));
    await expect(verifyCompactSignature(short, keySet(key.publicJwk), 'ES256')).rejects.toBeInstanceOf(
      errors.JWSSignatureVerificationFailed,
    );
  });

  it('refuses an RSA key shorter than 2048 bits', async () => {
    const { privateKey, jwk } = rsaKey(1024, 'weak');
    await expect(
      verifyCompactSignature(rs256({ kid: 'weak' }, privateKey), keySet(jwk), 'RS256'),
    ).rejects.toBeInstanceOf(errors.JWSSignatureVerificationFailed);
  });

  it('takes the only key of the set for a token without kid, and refuses one that several keys could have signed', async () => {
    const first = await signer('RS256', 'k1');
    const second = await signer('RS256', 'k2');
    const token = await second.sign({ kid: undefined });
    const withoutKid = ({ kid: _kid, ...jwk }: JWK) => jwk;
    await expect(
      verifyCompactSignature(token, keySet(withoutKid(second.publicJwk)), 'RS256'),
    ).resolves.toBeUndefined();
    await expect(
      verifyCompactSignature(
        token,
        keySet(withoutKid(first.publicJwk), withoutKid(second.publicJwk)),
        'RS256',
      ),
    ).rejects.toBeInstanceOf(errors.JWKSMultipleMatchingKeys);
  });

  it('passes on the key set’s own refusal when no key matches the kid', async () => {
    const key = await signer('RS256', 'k1');
    await expect(
      verifyCompactSignature(await key.sign({ kid: 'unknown' }), keySet(key.publicJwk), 'RS256'),
    ).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
  });
});
