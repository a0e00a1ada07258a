import { createHash, randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import * as oidc from 'openid-client';

/**
 * A session's DPoP key pair (RFC 9449), kept inside its sealed token set, so it is encrypted at rest like the tokens
 * it binds. One per session: made at sign-in, kept through every refresh, gone with the session.
 */
export interface DpopKey {
  privateJwk: JWK;
  publicJwk: JWK;
}

const ALG = 'ES256';

export async function newDpopKey(): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair(ALG, { extractable: true });
  return { privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) };
}

type KeyPair = Parameters<typeof oidc.getDPoPHandle>[1];

async function keyPair(key: DpopKey): Promise<KeyPair> {
  const [privateKey, publicKey] = await Promise.all([
    importJWK({ ...key.privateJwk, alg: ALG }, ALG),
    importJWK({ ...key.publicJwk, alg: ALG }, ALG, { extractable: true }),
  ]);
  return { privateKey, publicKey } as KeyPair;
}

/**
 * openid-client's proof maker for the provider's endpoints (token, UserInfo): a fresh proof per request, and the
 * provider's `DPoP-Nonce` answered by one retry.
 */
export async function dpopHandle(configuration: oidc.Configuration, key: DpopKey): Promise<oidc.DPoPHandle> {
  return oidc.getDPoPHandle(configuration, await keyPair(key));
}

/**
 * A proof for one request to a resource server: its method and URL (no query or fragment), and the token's hash;
 * with `nonce` when the server asked for one (RFC 9449 §9; the proxy does not, see decision 025).
 */
export async function dpopProof(
  key: DpopKey,
  method: string,
  url: URL,
  accessToken: string,
  nonce?: string,
): Promise<string> {
  const htu = `${url.origin}${url.pathname}`;
  const { privateKey } = await keyPair(key);
  return new SignJWT({
    htm: method,
    htu,
    ath: createHash('sha256').update(accessToken).digest('base64url'),
    jti: randomBytes(16).toString('base64url'),
    ...(nonce === undefined ? {} : { nonce }),
  })
    .setProtectedHeader({ typ: 'dpop+jwt', alg: ALG, jwk: key.publicJwk })
    .setIssuedAt()
    .sign(privateKey);
}
