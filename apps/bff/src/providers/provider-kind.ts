import type { UserInfo } from '@gatehouse/shared';
import type * as oidc from 'openid-client';
import type { ClaimsMapping, ProviderConfig } from '../config/providers-file.ts';

export type GrantedTokens = oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;

export interface LoadedUser {
  user: UserInfo;
  /** The provider's session id (OIDC `sid`), for back-channel logout. */
  sid: string | null;
  /**
   * Every claim known about the user, for `allow` and `sessionClaims`: the verified ID token's, else user
   * info's; for plain OAuth 2, user info with the `claims` mapping applied.
   */
  claims: Record<string, unknown>;
}

/** What a kind needs to build the client configuration; `Provider` owns the fetch, timeouts and secrets. */
export interface ClientSetup {
  config: ProviderConfig;
  metadata: Partial<oidc.ClientMetadata>;
  auth: oidc.ClientAuth;
  fetch: oidc.CustomFetch;
  timeoutSeconds: number;
  /** http is accepted only for a loopback issuer that the operator marked as such (the dev IdP). */
  insecureHttpAllowed: boolean;
}

/** What the user info is loaded from: the provider's metadata, its claims mapping and the token response. */
export interface UserInfoSource {
  configuration: oidc.Configuration;
  metadata: oidc.ServerMetadata;
  config: ProviderConfig;
  claims: ClaimsMapping;
  tokens: GrantedTokens;
  /** The session's DPoP proofs, when its tokens are bound to a key. */
  dpop?: oidc.DPoPHandle | undefined;
}

/**
 * What differs between an OpenID provider and a plain OAuth 2.0 one, behind one interface: how the client
 * configuration is had, whether sign-ins carry a nonce and yield a verified ID token, how the user is learnt,
 * and whose back-channel logout tokens are accepted. A third kind is one more file implementing this.
 */
export interface ProviderKind {
  readonly name: string;
  readonly defaultScopes: readonly string[];
  /** Sign-ins carry a nonce and must return an ID token, whose signature, claims and freshness are checked. */
  readonly issuesIdTokens: boolean;
  configure(setup: ClientSetup): Promise<oidc.Configuration>;
  loadUser(source: UserInfoSource): Promise<LoadedUser>;
  /** The issuer whose back-channel logout tokens end this provider's sessions; null when it sends none. */
  logoutTokenIssuer(config: ProviderConfig): string | null;
}
