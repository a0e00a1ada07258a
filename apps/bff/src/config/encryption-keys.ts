import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { ConfigError, type Config } from './env.ts';
import { weakKeyReason } from './key-strength.ts';
import { parseEncryptionKeys } from '../session/token-cipher.ts';

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
