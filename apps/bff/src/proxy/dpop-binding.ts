import type { StoredSession } from '../store/store.ts';
import type { DpopKey } from '../tokens/dpop-key.ts';
import { openTokens } from '../tokens/sealed-tokens.ts';
import type { TokenCipher } from '../tokens/token-cipher.ts';

/**
 * The session's DPoP key, from its sealed token set. The key never changes through refreshes, so the record the
 * request loaded holds the right one even when the tokens were refreshed since.
 */
export function dpopKeyOf(cipher: TokenCipher, session: StoredSession): DpopKey | undefined {
  return openTokens(cipher, session.tokens, session.provider, session.user.sub).dpopKey;
}
