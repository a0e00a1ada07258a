import type * as oidc from 'openid-client';
import type { TokenCipher } from './token-cipher.ts';
import type { TokenSet } from './token-set.ts';

/** Sealed tokens are bound to their user, so a blob copied into another user's record does not open. */
const aadFor = (provider: string, sub: string): string => `${provider}\n${sub}`;

export function sealTokens(cipher: TokenCipher, tokens: TokenSet, provider: string, sub: string): string {
  return cipher.seal(JSON.stringify(tokens), aadFor(provider, sub));
}

export function openTokens(cipher: TokenCipher, sealed: string, provider: string, sub: string): TokenSet {
  return JSON.parse(cipher.open(sealed, aadFor(provider, sub))) as TokenSet;
}

export function tokenSetFrom(
  response: oidc.TokenEndpointResponse,
  now: number,
  previous?: TokenSet,
): TokenSet {
  return {
    accessToken: response.access_token,
    tokenType: response.token_type ?? 'bearer',
    // Providers that do not rotate refresh tokens send none on refresh: keep the one we have.
    refreshToken: response.refresh_token ?? previous?.refreshToken ?? null,
    idToken: response.id_token ?? previous?.idToken ?? null,
    scope: response.scope ?? previous?.scope ?? null,
    expiresAt: typeof response.expires_in === 'number' ? now + response.expires_in * 1000 : null,
    obtainedAt: now,
    ...(previous?.resources ? { resources: previous.resources } : {}),
    ...(previous?.dpopKey ? { dpopKey: previous.dpopKey } : {}),
  };
}
