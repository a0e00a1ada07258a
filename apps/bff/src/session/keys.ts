import { hash, randomBytes } from 'node:crypto';

/**
 * Identifiers for sessions and login transactions.
 *
 * A session id is what the browser holds in the session cookie: 32 random bytes (256 bits) from the CSPRNG,
 * base64url without padding (43 characters). The store never sees it: it is keyed by `storeKeyFor(id)`, the
 * SHA-256 of the id, so a dump of the store (or the opaque handle `GET /api/sessions` shows) yields no usable
 * cookie value.
 */

const ID_BYTES = 32;
const ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** A fresh session id: 256 random bits, base64url (43 characters). */
export function newSessionId(): string {
  return randomBytes(ID_BYTES).toString('base64url');
}

/**
 * The slot bucket (0-255) a store key falls in: the first byte of the SHA-256 it is. Redis Cluster keeps every
 * key of one user's sessions in one hash slot (`{<bucket>}`), so the bucket must follow from the key alone.
 */
export function bucketOfKey(key: string): number {
  return Buffer.from(key.slice(0, 2), 'base64url')[0] ?? 0;
}

/** The slot bucket of a user: the first byte of the SHA-256 of provider and subject. */
export function bucketOfUser(provider: string, sub: string): number {
  return hash('sha256', `${provider}\0${sub}`, 'buffer')[0]!;
}

/**
 * A fresh session id whose store key falls in the user's bucket, so that in Redis Cluster the session shares a
 * slot with the user's index. Drawn by rejection (256 draws on average, well under a millisecond); the id keeps
 * about 248 bits of entropy, and the key reveals only the bucket, 8 bits of a hash of the user.
 */
export function newSessionIdFor(provider: string, sub: string): string {
  const bucket = bucketOfUser(provider, sub);
  for (;;) {
    const pool = randomBytes(ID_BYTES * 64);
    for (let at = 0; at < pool.length; at += ID_BYTES) {
      const id = pool.subarray(at, at + ID_BYTES).toString('base64url');
      if (hash('sha256', id, 'buffer')[0] === bucket) return id;
    }
  }
}

/** A fresh login-transaction id (used as the OAuth `state`): 256 random bits, base64url (43 characters). */
export function newTransactionId(): string {
  return randomBytes(ID_BYTES).toString('base64url');
}

/** True for a string shaped like `newSessionId()` output; anything else is rejected before any store lookup. */
export function isWellFormedSessionId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

/** True for a string shaped like `newTransactionId()` output. */
export function isWellFormedTransactionId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

/** The store key (and opaque list handle) for a session id: base64url SHA-256 of the id. Deterministic. */
export function storeKeyFor(sessionId: string): string {
  // One-shot: a Hash object per call costs more than the digest of 43 bytes does.
  return hash('sha256', sessionId, 'base64url');
}
