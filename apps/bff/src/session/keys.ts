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
