import { hash, randomBytes } from 'node:crypto';

/**
 * The per-login secrets and the PKCE S256 challenge (RFC 7636 §4.1–4.2), with node:crypto.
 *
 * oauth4webapi's helpers do the same through WebCrypto, whose every call on Node 20 is a job on the thread pool
 * and a promise: the SHA-256 of 43 bytes cost more than the rest of `/auth/login` together.
 */

/** 32 random bytes, base64url (43 characters): the length openid-client's own helpers use. */
const SECRET_BYTES = 32;

export interface LoginSecrets {
  codeVerifier: string;
  nonce: string;
}

export function newLoginSecrets(): LoginSecrets {
  // One draw from the CSPRNG for both: each call into it has a fixed cost far above that of 32 more bytes.
  const bytes = randomBytes(2 * SECRET_BYTES);
  return {
    codeVerifier: bytes.toString('base64url', 0, SECRET_BYTES),
    nonce: bytes.toString('base64url', SECRET_BYTES),
  };
}

/** `BASE64URL(SHA256(ASCII(code_verifier)))`. */
export function pkceChallengeS256(codeVerifier: string): string {
  return hash('sha256', codeVerifier, 'base64url');
}
