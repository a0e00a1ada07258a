import * as oidc from 'openid-client';
import { asText, mapUserInfo } from './user-info.ts';
import type { ProviderKind } from './provider-kind.ts';

/** An OpenID provider: discovery from its issuer, a nonce and a verified ID token on every sign-in. */
export const openIdConnect: ProviderKind = {
  name: 'oidc',
  defaultScopes: ['openid', 'profile', 'email'],
  issuesIdTokens: true,

  async configure({ config, metadata, auth, fetch, timeoutSeconds, insecureHttpAllowed }) {
    // No `enableNonRepudiationChecks`: ID token signatures are checked by `verifyIdTokenSignature`.
    const execute: Array<(configuration: oidc.Configuration) => void> = [];
    if (insecureHttpAllowed) execute.push(oidc.allowInsecureRequests);
    return oidc.discovery(new URL(config.issuer!), config.clientId, metadata, auth, {
      execute,
      [oidc.customFetch]: fetch,
      // Discovery runs once: its own timeout is cheap here (and 0 would mean "abort at once" to it).
      timeout: timeoutSeconds,
    });
  },

  /** The verified ID token's claims, completed by the UserInfo endpoint whose `sub` must match. */
  async loadUser({ configuration, metadata, claims: mapping, tokens, dpop }) {
    const idClaims = tokens.claims();
    if (!idClaims) throw new Error('the token response has no ID token');
    let claims: Record<string, unknown> = { ...idClaims };
    if (metadata.userinfo_endpoint) {
      const info = await oidc.fetchUserInfo(
        configuration,
        tokens.access_token,
        idClaims.sub,
        dpop ? { DPoP: dpop } : undefined,
      );
      claims = { ...claims, ...info, sub: idClaims.sub };
    }
    // User info wins for what the dashboard shows; the signed ID token wins for what decides access.
    return {
      user: mapUserInfo(claims, mapping),
      sid: asText(idClaims.sid),
      claims: { ...claims, ...idClaims },
    };
  },

  logoutTokenIssuer: (config) => config.issuer ?? null,
};
