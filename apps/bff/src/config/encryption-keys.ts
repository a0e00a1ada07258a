import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { ConfigError, type Config } from './env.ts';
import { weakKeyReason } from './key-strength.ts';
import { KEY_BYTES, KEY_ID_PATTERN, TokenCipherError, type EncryptionKey } from '../tokens/token-cipher.ts';

/**
 * The keys that seal tokens at rest. Production must configure `SESSION_ENCRYPTION_KEYS`; in development a
 * random key is created once beside the session file, so sessions survive restarts without a key in the repo.
 */
export function resolveEncryptionKeys(config: Config): ReturnType<typeof parseEncryptionKeys> {
  const configured = config.session.encryptionKeys;
  if (configured) {
    let keys: ReturnType<typeof parseEncryptionKeys>;
    try {
      keys = parseEncryptionKeys(configured);
    } catch (error) {
      throw new ConfigError(`Invalid configuration:\nSESSION_ENCRYPTION_KEYS: ${(error as Error).message}`);
    }
    // Production also refuses keys that are plainly not random (all zeros, a repeated pattern, a passphrase).
    for (const { id, key } of config.env === 'production' ? keys : []) {
      const weakness = weakKeyReason(key);
      if (weakness) {
        throw new ConfigError(
          `Invalid configuration:\nSESSION_ENCRYPTION_KEYS: key "${id}" is weak: ${weakness}`,
        );
      }
    }
    return keys;
  }
  if (config.env === 'production') {
    throw new ConfigError(
      'Invalid configuration:\nSESSION_ENCRYPTION_KEYS: required when NODE_ENV=production',
    );
  }
  if (config.store.kind === 'memory') return parseEncryptionKeys(`dev:${randomBytes(32).toString('base64')}`);
  const file = `${dirname(config.store.file)}/dev-encryption.key`;
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `dev:${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  }
  return parseEncryptionKeys(readFileSync(file, 'utf8').trim());
}

/**
 * Parses `SESSION_ENCRYPTION_KEYS`: comma-separated `id:base64key` entries (standard or URL-safe base64, padding
 * optional), each key exactly 32 bytes. The first entry seals; all open. Messages name the malformed entry by
 * its position (and id when it has one) but never echo key material.
 */
export function parseEncryptionKeys(value: string): EncryptionKey[] {
  const entries = value.split(',').map((entry) => entry.trim());
  if (entries.length === 1 && entries[0] === '') {
    throw new TokenCipherError('invalid_key', 'no keys: expected comma-separated id:base64key entries.');
  }
  const keys: EncryptionKey[] = [];
  const seen = new Map<string, number>();
  entries.forEach((entry, index) => {
    const n = index + 1;
    if (entry === '') throw new TokenCipherError('invalid_key', `entry ${n} is empty.`);
    const colon = entry.indexOf(':');
    if (colon < 0) {
      throw new TokenCipherError('invalid_key', `entry ${n} is not of the form id:base64key (no ":").`);
    }
    const id = entry.slice(0, colon).trim();
    const encoded = entry.slice(colon + 1).trim();
    if (!KEY_ID_PATTERN.test(id)) {
      throw new TokenCipherError(
        'invalid_key',
        `entry ${n}: the key id must be 1 to 32 characters of A-Z, a-z, 0-9, "_" or "-".`,
      );
    }
    const previous = seen.get(id);
    if (previous !== undefined) {
      throw new TokenCipherError('invalid_key', `entry ${n}: the key id "${id}" repeats entry ${previous}.`);
    }
    seen.set(id, n);
    if (encoded === '')
      throw new TokenCipherError('invalid_key', `entry ${n} ("${id}"): the key is missing.`);
    const unpadded = encoded.replace(/={1,2}$/, '');
    if (!/^[A-Za-z0-9+/_-]+$/.test(unpadded) || unpadded.length % 4 === 1) {
      throw new TokenCipherError('invalid_key', `entry ${n} ("${id}"): the key is not valid base64.`);
    }
    const key = Buffer.from(unpadded.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length !== KEY_BYTES) {
      throw new TokenCipherError(
        'invalid_key',
        `entry ${n} ("${id}"): the key is ${key.length} bytes; AES-256-GCM needs exactly ${KEY_BYTES} ` +
          '(create one with `openssl rand -base64 32`).',
      );
    }
    keys.push({ id, key });
  });
  return keys;
}
