import * as oidc from 'openid-client';
import type { Logger } from 'pino';
import type { ProviderRegistry } from '../providers/provider.ts';
import type { TokenCipher } from '../tokens/token-cipher.ts';
import type { StoredSession } from '../store/store.ts';
import type { TokenSet } from '../tokens/token-set.ts';
import { openTokens } from '../tokens/sealed-tokens.ts';

/** However slow the provider, a revocation is given up after this long. */
const REVOCATION_TIMEOUT_MS = 5_000;

export interface RevocationDeps {
  providers: ProviderRegistry;
  cipher: TokenCipher;
  logger: Logger;
}

/**
 * RFC 7009: revokes a finished session's refresh token and access token at its provider, where the provider's
 * metadata has a `revocation_endpoint`. Called once the session is gone locally and not awaited by the request:
 * the browser never waits for the provider. Never throws; a failure or a timeout is logged (no token in it),
 * and the promise settles within `REVOCATION_TIMEOUT_MS` either way (tests and shutdown may wait on it).
 */
export function revokeAtProvider(deps: RevocationDeps, session: StoredSession): Promise<void> {
  return revokeTokens(deps, session.provider, () =>
    openTokens(deps.cipher, session.tokens, session.provider, session.user.sub),
  );
}

/** The same for tokens no session holds (a user the `allow` rules refused): they are worth nothing to us. */
export function revokeTokens(
  deps: RevocationDeps,
  providerName: string,
  tokens: () => Pick<TokenSet, 'accessToken' | 'refreshToken'>,
): Promise<void> {
  const provider = deps.providers.get(providerName);
  if (!provider) return Promise.resolve();
  const log = (error: unknown, message: string): void =>
    deps.logger.warn(
      {
        provider: providerName,
        errorName: (error as { name?: unknown } | undefined)?.name,
        oauthError: (error as { error?: unknown } | undefined)?.error,
      },
      message,
    );

  const work = (async () => {
    const { accessToken, refreshToken } = tokens();
    const configuration = await provider.getConfiguration();
    if (!configuration.serverMetadata().revocation_endpoint) return;
    // The refresh token first in the list: it is the one that could mint new access tokens.
    const revocations: Array<[string, string]> = [];
    if (refreshToken) revocations.push([refreshToken, 'refresh_token']);
    revocations.push([accessToken, 'access_token']);
    const results = await Promise.allSettled(
      revocations.map(([token, hint]) =>
        oidc.tokenRevocation(configuration, token, { token_type_hint: hint }),
      ),
    );
    for (const result of results) {
      if (result.status === 'rejected') log(result.reason, 'token revocation at the provider failed');
    }
  })().catch((error: unknown) => log(error, 'token revocation at the provider failed'));

  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      log({ name: 'TimeoutError' }, 'token revocation at the provider timed out');
      resolve();
    }, REVOCATION_TIMEOUT_MS);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
