import * as oidc from 'openid-client';
import { mapUserInfo } from './user-info.ts';
import type { ProviderKind } from './provider-kind.ts';

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
  async loadUser({ configuration, config, claims, tokens }) {
    const endpoint = config.userinfoEndpoint;
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
    if (typeof body !== 'object' || body === null)
      throw new Error('the user-info endpoint answered no object');
    return { user: mapUserInfo(body as Record<string, unknown>, claims), sid: null };
  },

  logoutTokenIssuer: () => null,
};
