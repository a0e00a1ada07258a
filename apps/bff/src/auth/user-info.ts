import type { UserInfo } from '@gatehouse/shared';
import * as oidc from 'openid-client';
import type { Provider } from '../providers/provider.ts';

type Claims = Record<string, unknown>;

const asText = (value: unknown): string | null =>
  typeof value === 'string' && value.length > 0 ? value : typeof value === 'number' ? String(value) : null;

/** Maps a provider's claims onto `UserInfo` with the provider's `claims` mapping (GitHub's `id` → `sub`, …). */
export function mapUserInfo(claims: Claims, provider: Provider): UserInfo {
  const sub = asText(claims[provider.claims.sub]);
  if (!sub) throw new Error(`the provider's user info has no "${provider.claims.sub}"`);
  return {
    sub,
    name: asText(claims[provider.claims.name]),
    email: asText(claims[provider.claims.email]),
    picture: asText(claims[provider.claims.picture]),
  };
}

export interface LoadedUser {
  user: UserInfo;
  /** The provider's session id (OIDC `sid`), for back-channel logout. */
  sid: string | null;
}

/**
 * OpenID Connect: the verified ID token's claims, completed by the UserInfo endpoint whose `sub` must match.
 * Plain OAuth 2.0: the user-info API called with the access token, mapped by `claims`.
 */
export async function loadUser(
  provider: Provider,
  configuration: oidc.Configuration,
  tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers,
): Promise<LoadedUser> {
  if (provider.kind === 'oidc') {
    const idClaims = tokens.claims();
    if (!idClaims) throw new Error('the token response has no ID token');
    let claims: Claims = { ...idClaims };
    if (provider.serverMetadata().userinfo_endpoint) {
      const info = await oidc.fetchUserInfo(configuration, tokens.access_token, idClaims.sub);
      claims = { ...claims, ...info, sub: idClaims.sub };
    }
    return { user: mapUserInfo(claims, provider), sid: asText(idClaims.sid) };
  }
  const endpoint = provider.userinfoEndpoint;
  if (!endpoint) throw new Error('the provider has no user-info endpoint');
  const response = await oidc.fetchProtectedResource(
    configuration,
    tokens.access_token,
    new URL(endpoint),
    'GET',
    undefined,
    new Headers({ accept: 'application/json' }),
  );
  if (!response.ok) throw new Error(`the user-info endpoint answered ${response.status}`);
  const body: unknown = await response.json();
  if (typeof body !== 'object' || body === null) throw new Error('the user-info endpoint answered no object');
  return { user: mapUserInfo(body as Claims, provider), sid: null };
}
