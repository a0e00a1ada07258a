import * as oidc from 'openid-client';
import type { UserInfo } from '@gatehouse/shared';
import type { ClaimsMapping } from '../config/providers-file.ts';
import { primaryVerifiedEmail } from './primary-email.ts';
import { mapUserInfo } from './user-info.ts';
import type { ProviderKind } from './provider-kind.ts';

type Claims = Record<string, unknown>;

/** Plain OAuth 2 user info as claims: the fields themselves, and each mapped claim under its own name. */
function mappedClaims(body: Claims, mapping: ClaimsMapping, user: UserInfo): Claims {
  const claims: Claims = { ...body };
  for (const [claim, field] of Object.entries(mapping)) claims[claim] = body[field];
  return { ...claims, sub: user.sub, email: user.email };
}

/** A plain OAuth 2.0 provider (GitHub): explicit endpoints, no ID token, a user-info API mapped by `claims`. */
export const plainOAuth2: ProviderKind = {
  name: 'oauth2',
  defaultScopes: [],
  issuesIdTokens: false,

  async configure({ config, metadata, auth }) {
    const configuration = new oidc.Configuration(
      {
        issuer: new URL(config.authorizationEndpoint!).origin,
        authorization_endpoint: config.authorizationEndpoint,
        token_endpoint: config.tokenEndpoint,
        userinfo_endpoint: config.userinfoEndpoint,
        ...(config.endSessionEndpoint ? { end_session_endpoint: config.endSessionEndpoint } : {}),
      },
      config.clientId,
      metadata,
      auth,
    );
    if (config.allowInsecureHttp) oidc.allowInsecureRequests(configuration);
    return configuration;
  },

  /** The user-info API called with the access token, mapped by `claims`. */
  async loadUser({ configuration, config, claims, tokens, dpop }) {
    const endpoint = config.userinfoEndpoint;
    if (!endpoint) throw new Error('the provider has no user-info endpoint');
    const response = await oidc.fetchProtectedResource(
      configuration,
      tokens.access_token,
      new URL(endpoint),
      'GET',
      undefined,
      new Headers({ accept: 'application/json' }),
      dpop ? { DPoP: dpop } : undefined,
    );
    if (!response.ok) throw new Error(`the user-info endpoint answered ${response.status}`);
    const body: unknown = await response.json();
    if (typeof body !== 'object' || body === null)
      throw new Error('the user-info endpoint answered no object');
    const user = mapUserInfo(body as Claims, claims);
    const { emailsEndpoint } = config;
    if (!emailsEndpoint) return { user, sid: null, claims: mappedClaims(body as Claims, claims, user) };
    // GitHub-like: only the primary verified address counts, whatever the profile shows.
    const email = await primaryVerifiedEmail(configuration, tokens.access_token, emailsEndpoint);
    const verified = { ...user, email };
    return {
      user: verified,
      sid: null,
      claims: { ...mappedClaims(body as Claims, claims, verified), email_verified: email !== null },
    };
  },

  logoutTokenIssuer: () => null,
};
