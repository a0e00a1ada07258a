import type { StoredSession } from '../store/store.ts';
import { openTokens } from '../tokens/sealed-tokens.ts';
import type { SignInDeps } from './sign-in-deps.ts';
import { revokeAtProvider } from './token-revocation.ts';

export interface LogoutResult {
  /** The provider's end-session URL (RP-initiated logout), when it has one. */
  endSessionUrl?: string;
}

/**
 * Where a browser signing out of `session` goes next. The caller has destroyed the session already, so a
 * provider that cannot be reached costs only the single sign-out there, never the local one. The session's
 * tokens are revoked at the provider (RFC 7009) in the background: the browser never waits for it.
 */
export async function logout(
  deps: Pick<SignInDeps, 'providers' | 'cipher' | 'logger'>,
  session: StoredSession,
  postLogoutRedirectUri: string,
): Promise<LogoutResult> {
  void revokeAtProvider(deps, session);
  const provider = deps.providers.get(session.provider);
  if (!provider) return {};
  try {
    const configuration = await provider.getConfiguration();
    const endpoint = provider.endSessionEndpoint(configuration);
    if (!endpoint) return {};
    const url = new URL(endpoint);
    const { idToken } = openTokens(deps.cipher, session.tokens, session.provider, session.user.sub);
    if (idToken) url.searchParams.set('id_token_hint', idToken);
    url.searchParams.set('post_logout_redirect_uri', postLogoutRedirectUri);
    url.searchParams.set('client_id', provider.config.clientId);
    return { endSessionUrl: url.href };
  } catch (error) {
    deps.logger.warn({ provider: session.provider, errorName: (error as Error).name }, 'no end-session URL');
    return {};
  }
}
