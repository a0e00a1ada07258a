import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { CodedError } from '@gatehouse/shared/server';
import { decodeBase64url } from '../security/base64url.ts';

/**
 * Seals provider tokens at rest with AES-256-GCM.
 *
 * Format: `v1.<keyId>.<iv>.<ciphertext>.<tag>` (the last three base64url, unpadded). The first configured key
 * seals; any configured key opens, chosen by the id in the sealed value, so keys can rotate: put the new key
 * first, keep the old ones until every session sealed with them has expired.
 *
 * The version and key id are authenticated along with the caller's optional associated data (`aad`), so a
 * sealed value only opens with the same `aad` it was sealed with (the BFF binds tokens to their user).
 */

export interface EncryptionKey {
  id: string;
  key: Buffer;
}

export interface TokenCipher {
  /** The id of the key that seals (the first one). */
  readonly sealingKeyId: string;
  /** Every id that can open. */
  readonly keyIds: readonly string[];
  seal(plaintext: string, aad?: string): string;
  /** Throws `TokenCipherError` when the value is malformed, its key is unknown, or it fails authentication. */
  open(sealed: string, aad?: string): string;
}

export type TokenCipherErrorCode = 'invalid_key' | 'malformed' | 'unknown_key' | 'authentication_failed';

export class TokenCipherError extends CodedError<TokenCipherErrorCode> {
  override name = 'TokenCipherError';
}

const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
export const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

/** What GCM authenticates besides the ciphertext: the format version, the key id and the caller's `aad`. */
function associatedData(keyId: string, aad: string | undefined): Buffer {
  return Buffer.from(JSON.stringify([VERSION, keyId, aad ?? null]), 'utf8');
}

export function createTokenCipher(keys: readonly EncryptionKey[]): TokenCipher {
  if (keys.length === 0)
    throw new TokenCipherError('invalid_key', 'At least one encryption key is required.');
  const byId = new Map<string, Buffer>();
  keys.forEach(({ id, key }, index) => {
    if (typeof id !== 'string' || !KEY_ID_PATTERN.test(id)) {
      throw new TokenCipherError(
        'invalid_key',
        `Key ${index + 1}: the key id must be 1 to 32 characters of A-Z, a-z, 0-9, "_" or "-".`,
      );
    }
    if (byId.has(id))
      throw new TokenCipherError('invalid_key', `Key ${index + 1}: the key id "${id}" is a duplicate.`);
    if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) {
      const length = Buffer.isBuffer(key) ? key.length : 0;
      throw new TokenCipherError(
        'invalid_key',
        `Key ${index + 1} ("${id}"): the key is ${length} bytes; AES-256-GCM needs exactly ${KEY_BYTES}.`,
      );
    }
    byId.set(id, Buffer.from(key)); // a private copy: later changes to the caller's buffer do not reach us
  });
  const sealingKeyId = keys[0]!.id;
  const sealingKey = byId.get(sealingKeyId)!;

  return {
    sealingKeyId,
    keyIds: Object.freeze([...byId.keys()]),

    seal(plaintext: string, aad?: string): string {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, sealingKey, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(associatedData(sealingKeyId, aad));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [
        VERSION,
        sealingKeyId,
        iv.toString('base64url'),
        ciphertext.toString('base64url'),
        tag.toString('base64url'),
      ].join('.');
    },

    open(sealed: string, aad?: string): string {
      if (typeof sealed !== 'string')
        throw new TokenCipherError('malformed', 'The sealed value is not a string.');
      const parts = sealed.split('.');
      if (parts.length !== 5 || parts[0] !== VERSION) {
        throw new TokenCipherError('malformed', `The sealed value is not in the ${VERSION} format.`);
      }
      const [, keyId, ivText, ciphertextText, tagText] = parts as [string, string, string, string, string];
      const key = byId.get(keyId);
      if (!key)
        throw new TokenCipherError('unknown_key', `The sealed value names an unknown key id "${keyId}".`);
      const iv = decodeBase64url(ivText);
      const ciphertext = decodeBase64url(ciphertextText);
      const tag = decodeBase64url(tagText);
      if (!iv || iv.length !== IV_BYTES || !ciphertext || !tag || tag.length !== TAG_BYTES) {
        throw new TokenCipherError('malformed', 'The sealed value has a malformed IV, ciphertext or tag.');
      }
      try {
        const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(associatedData(keyId, aad));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
      } catch (error) {
        throw new TokenCipherError('authentication_failed', 'The sealed value failed authentication.', {
          cause: error,
        });
      }
    },
  };
}
