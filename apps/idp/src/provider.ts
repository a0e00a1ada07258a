import { randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import Provider, { errors, type ClientMetadata, type Configuration, type JWK } from 'oidc-provider';
import { pino, type Logger } from 'pino';
import { DEFAULT_API_AUDIENCE } from './config.ts';
import { ACR_VALUES, interactionPolicyWithStepUp } from './acr.ts';
import { interactionRoutes } from './interactions.ts';
import { createLogoutSource, postLogoutSuccessSource } from './logout.ts';
import { messagePage } from './pages.ts';
import { demoUsers, UserDirectory, type DemoUser } from './users.ts';

type Loosen<T> = T extends string ? string : T extends readonly (infer U)[] ? readonly Loosen<U>[] : T;

/**
 * Client metadata as oidc-provider takes it (snake_case, RFC 7591), with its enumerated values widened to
 * `string` so that plain object literals fit without `as const`. oidc-provider validates every value when
 * the provider is built, and refuses to start on an invalid one.
 */
export type ClientRegistration = { [K in keyof ClientMetadata]: Loosen<ClientMetadata[K]> };

export interface CreateIdpOptions {
  /** The issuer identifier, e.g. `http://localhost:4000`; the provider serves from its root. */
  issuer: string;
  /** The registered clients. All of them are treated as first-party: no consent, silent logout. */
  clients: readonly ClientRegistration[];
  /** Defaults to the demo users alice and bob. */
  users?: readonly DemoUser[];
  /** Access token lifetime in seconds (default 3600). */
  accessTokenTtl?: number;
  /**
   * The API that may ask for JWT access tokens with `resource=<apiAudience>` at the token endpoint
   * (default `http://localhost:4100`). Tokens requested without `resource` stay opaque and work at userinfo.
   */
  apiAudience?: string;
  /**
   * Every client must push its authorization requests (RFC 9126); discovery then says
   * `require_pushed_authorization_requests`. A single client can ask for the same in its registration.
   */
  requirePushedAuthorizationRequests?: boolean;
  /** Defaults to a silent logger, so tests that embed the IdP stay quiet. */
  logger?: Logger;
}

const DAY = 24 * 60 * 60;

/** Per-start RS256 signing key; tokens from a previous run stop verifying, which is fine for development. */
async function signingKeys(): Promise<{ keys: JWK[] }> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { keys: [{ ...jwk, kid, alg: 'RS256', use: 'sig' }] };
}

/**
 * Builds the development OpenID provider (it does not listen). Authorization code + PKCE (S256) only,
 * refresh tokens for every client, rotated on use; back-channel logout; no consent screen.
 */
export async function createIdp(options: CreateIdpOptions): Promise<Provider> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const users = new UserDirectory(options.users ?? demoUsers);
  const accessTokenTtl = options.accessTokenTtl ?? 3600;
  const apiAudience = options.apiAudience ?? DEFAULT_API_AUDIENCE;
  const firstParty = new Set(options.clients.map((client) => client.client_id));
  const isFirstParty = (clientId: string): boolean => firstParty.has(clientId);

  const configuration: Configuration = {
    // Validated by oidc-provider itself (see ClientRegistration).
    clients: options.clients as readonly ClientMetadata[],
    jwks: await signingKeys(),
    cookies: {
      // Cookies ignore ports: on localhost the IdP shares a jar with the BFF and the SPA, so names are specific.
      names: {
        session: 'gatehouse_idp_session',
        interaction: 'gatehouse_idp_interaction',
        resume: 'gatehouse_idp_resume',
      },
      keys: [randomBytes(32).toString('base64url')],
      long: { httpOnly: true, sameSite: 'lax' },
      short: { httpOnly: true, sameSite: 'lax' },
    },
    scopes: ['openid', 'offline_access', 'profile', 'email'],
    claims: {
      acr: null,
      auth_time: null,
      iss: null,
      sid: null,
      openid: ['sub'],
      profile: ['name', 'picture', 'groups'],
      email: ['email', 'email_verified'],
    },
    // Put the scope's claims into the ID token too, not only into userinfo: relying parties may rely on either.
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    // private_key_jwt (RFC 7523): clients registered with `jwks` or a `jwks_uri` sign their own assertions.
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    pkce: { required: () => true },
    findAccount(_ctx, sub) {
      const user = users.find(sub);
      return user ? { accountId: user.username, claims: () => users.claims(user) } : undefined;
    },
    interactions: {
      policy: interactionPolicyWithStepUp(),
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    acrValues: ACR_VALUES,
    issueRefreshToken(_ctx, client, code) {
      return (
        client.grantTypeAllowed('refresh_token') &&
        (code.scopes.has('offline_access') || isFirstParty(client.clientId))
      );
    },
    // Every refresh answers a new refresh token; replaying a used one revokes the whole grant.
    rotateRefreshToken: true,
    ttl: {
      AccessToken: accessTokenTtl,
      AuthorizationCode: 60,
      IdToken: 3600,
      RefreshToken: 14 * DAY,
      Interaction: 60 * 60,
      Session: DAY,
      Grant: 14 * DAY,
    },
    // The SPA never calls the IdP from script; only redirects and the BFF's back channel reach it.
    clientBasedCORS: () => false,
    features: {
      devInteractions: { enabled: false },
      // RFC 9449. Clients registered with `dpop_bound_access_tokens` must bind their tokens; every DPoP proof must
      // carry a nonce the IdP issued, so relying parties are tested on answering `use_dpop_nonce`.
      dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => true },
      pushedAuthorizationRequests: {
        enabled: true,
        requirePushedAuthorizationRequests: options.requirePushedAuthorizationRequests ?? false,
      },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: createLogoutSource(isFirstParty),
        postLogoutSuccessSource,
      },
      revocation: {
        enabled: true,
        allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId,
      },
      introspection: { enabled: true, allowedPolicy: (_ctx, client) => client.clientAuthMethod !== 'none' },
      resourceIndicators: {
        enabled: true,
        // Recorded on every grant so a client can later ask the token endpoint for an API token.
        defaultResource: () => apiAudience,
        // Without `resource` at the token endpoint an openid request gets a userinfo-capable (opaque) token.
        useGrantedResource: () => false,
        getResourceServerInfo(_ctx, resource) {
          if (resource !== apiAudience) throw new errors.InvalidTarget();
          return {
            scope: 'api',
            audience: apiAudience,
            accessTokenTTL: accessTokenTtl,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    renderError(ctx, out) {
      const description = out.error_description ? `: ${out.error_description}` : '';
      const page = messagePage('Request refused', `${out.error}${description}`);
      ctx.set(page.headers);
      ctx.type = 'html';
      ctx.body = page.html;
    },
    // Every URL the provider fetches (back-channel logout) comes from operator-configured clients, and in
    // development those live on loopback or private addresses, which the default SSRF guard refuses.
    fetch: (input, init) => {
      const { dispatcher: _guard, ...rest } = (init ?? {}) as RequestInit & { dispatcher?: unknown };
      return fetch(input, rest);
    },
  };

  const provider = new Provider(options.issuer, configuration);
  provider.use(interactionRoutes({ provider, users, logger }));

  provider.on('server_error', (_ctx, error) => logger.error({ err: error }, 'dev IdP: server error'));
  provider.on('backchannel.error', (_ctx, error, client, accountId, sid) =>
    logger.warn(
      { err: error, clientId: client.clientId, sub: accountId, sid },
      'dev IdP: back-channel logout failed',
    ),
  );
  provider.on('backchannel.success', (_ctx, client, accountId, sid) =>
    logger.info({ clientId: client.clientId, sub: accountId, sid }, 'dev IdP: back-channel logout delivered'),
  );
  provider.on('end_session.success', () => logger.info('dev IdP: session ended'));
  // Refused requests are the client's problem, not the IdP's: info, with the OAuth error and no tokens.
  const refused = (event: string) => (_ctx: unknown, error: errors.OIDCProviderError) =>
    logger.info({ error: error.error, description: error.error_description }, `dev IdP: ${event}`);
  provider.on('authorization.error', refused('authorization.error'));
  provider.on('grant.error', refused('grant.error'));
  provider.on('end_session.error', refused('end_session.error'));
  provider.on('introspection.error', refused('introspection.error'));

  logger.info(
    { issuer: options.issuer, clients: [...firstParty], users: users.users.map((user) => user.username) },
    'dev IdP created — for development and tests only',
  );
  return provider;
}
