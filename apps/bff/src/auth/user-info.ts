import type { UserInfo } from '@gatehouse/shared';
import * as oidc from 'openid-client';
import type { Provider } from '../providers/provider.ts';
import { primaryVerifiedEmail } from './primary-email.ts';

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
  /**
   * Every claim known about the user, for `allow` and `sessionClaims`: the verified ID token's, else user
   * info's; for plain OAuth 2, user info with the `claims` mapping applied.
   */
  claims: Claims;
}

/** Plain OAuth 2 user info as claims: the fields themselves, and each mapped claim under its own name. */
function mappedClaims(body: Claims, provider: Provider, user: UserInfo): Claims {
  const claims: Claims = { ...body };
  for (const [claim, field] of Object.entries(provider.claims)) claims[claim] = body[field];
  return { ...claims, sub: user.sub, email: user.email };
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
    // User info wins for what the dashboard shows; the signed ID token wins for what decides access.
    return {
      user: mapUserInfo(claims, provider),
      sid: asText(idClaims.sid),
      claims: { ...claims, ...idClaims },
    };
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
  const user = mapUserInfo(body as Claims, provider);
  const { emailsEndpoint } = provider.config;
  if (!emailsEndpoint) return { user, sid: null, claims: mappedClaims(body as Claims, provider, user) };
  const email = await primaryVerifiedEmail(configuration, tokens.access_token, emailsEndpoint);
  const verified = { ...user, email };
  return {
    user: verified,
    sid: null,
    claims: { ...mappedClaims(body as Claims, provider, verified), email_verified: email !== null },
  };
}
