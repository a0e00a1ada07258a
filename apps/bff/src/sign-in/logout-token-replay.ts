import { createHash } from 'node:crypto';
import type { SessionStore } from '../store/store.ts';

/**
 * Back-Channel Logout 1.0 §2.6 step 8: "verify that another Logout Token with the same jti value has not been
 * recently received". The first use of a `jti` takes a lease in the session store (atomic there, so it holds
 * across replicas) for as long as a logout token can be accepted at all; a second use finds it taken.
 * Only fully validated tokens get here, so an attacker cannot burn `jti`s with forged tokens.
 */
export async function isFirstUseOfLogoutToken(
  store: SessionStore,
  provider: string,
  jti: string,
  acceptWindowMs: number,
): Promise<boolean> {
  const name = `bcl-jti:${createHash('sha256').update(`${provider}\n${jti}`).digest('base64url')}`;
  return (await store.acquireLock(name, acceptWindowMs)) !== null;
}
