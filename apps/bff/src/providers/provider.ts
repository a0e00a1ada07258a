import { createRemoteJWKSet } from 'jose';
import * as oidc from 'openid-client';
import type { Logger } from 'pino';
import type { ClaimsMapping, ProviderConfig } from '../config/providers-file.ts';
import { isLoopback } from '../config/providers-file.ts';
import { providerUnavailable } from '../sign-in/sign-in-error.ts';
import { openIdConnect } from './openid-connect.ts';
import { plainOAuth2 } from './plain-oauth2.ts';
import type { GrantedTokens, LoadedUser, ProviderKind } from './provider-kind.ts';
import { clientAuth } from './client-auth.ts';
import { verifyCompactSignature } from './id-token-signature.ts';
import { createProviderFetch } from './provider-fetch.ts';

export interface ProviderOptions {
  /** Replaces global fetch for every call to this provider (tests fake the network with it). */
  fetch?: oidc.CustomFetch;
  logger: Logger;
  /** Minimum wait between two discovery attempts after a failure. */
  retryDelayMs?: number;
  now?: () => number;
  /** Per-request timeout for calls to the provider, in seconds. */
  timeoutSeconds?: number;
}

const DEFAULT_CLAIMS: ClaimsMapping = { sub: 'sub', name: 'name', email: 'email', picture: 'picture' };

/**
 * One registered provider: OpenID Connect by discovery, or plain OAuth 2.0 by explicit endpoints.
 * Discovery runs once at start-up; while it fails the provider is marked unavailable and retried on use,
 * so one provider being down never stops the others.
 */
export class Provider {
  readonly name: string;
  readonly label: string;
  readonly kind: ProviderKind;
  readonly scopes: string[];
  readonly authorizationParams: Record<string, string>;
  readonly claims: ClaimsMapping;
  readonly userinfoEndpoint: string | undefined;
  private configuration: oidc.Configuration | undefined;
  private metadata: oidc.ServerMetadata | undefined;
  private readonly fetch: oidc.CustomFetch;
  /** What openid-client's own (signal-based) timeout is set to: none when our fetch enforces it. */
  private readonly clientTimeoutSeconds: number;
  private signingKeysSet: ReturnType<typeof createRemoteJWKSet> | undefined;
  private inFlight: Promise<oidc.Configuration> | undefined;
  private lastFailureAt = -Infinity;

  constructor(
    readonly config: ProviderConfig,
    private readonly options: ProviderOptions,
  ) {
    this.name = config.name;
    this.label = config.label ?? config.name;
    this.kind = config.issuer ? openIdConnect : plainOAuth2;
    this.scopes = config.scopes ?? [...this.kind.defaultScopes];
    this.authorizationParams = config.authorizationParams ?? {};
    this.claims = config.claims ?? DEFAULT_CLAIMS;
    this.userinfoEndpoint = config.userinfoEndpoint;
    const timeoutSeconds = options.timeoutSeconds ?? 10;
    this.fetch = options.fetch ?? createProviderFetch({ timeoutMs: timeoutSeconds * 1000 }).fetch;
    this.clientTimeoutSeconds = options.fetch ? timeoutSeconds : 0;
  }

  /**
   * Whether sign-ins push the authorization request first (RFC 9126): when the operator asks for it, or the
   * provider's metadata says it accepts no other kind. Read after `getConfiguration()`.
   */
  get usesPushedAuthorizationRequests(): boolean {
    return Boolean(
      this.config.pushedAuthorizationRequests || this.metadata?.require_pushed_authorization_requests,
    );
  }

  /** The ID token signature algorithm: pinned by configuration, never taken from the provider. */
  get idTokenAlg(): string {
    return this.config.idTokenSignedResponseAlg ?? 'RS256';
  }

  get available(): boolean {
    return this.configuration !== undefined;
  }

  /** The provider's client configuration; throws a 503 `provider_unavailable` while it cannot be had. */
  async getConfiguration(): Promise<oidc.Configuration> {
    if (this.configuration) return this.configuration;
    const now = this.options.now?.() ?? Date.now();
    if (!this.inFlight && now - this.lastFailureAt < (this.options.retryDelayMs ?? 5000)) {
      throw providerUnavailable(this.name);
    }
    this.inFlight ??= this.discover().finally(() => {
      this.inFlight = undefined;
    });
    try {
      return await this.inFlight;
    } catch {
      throw providerUnavailable(this.name);
    }
  }

  /**
   * The provider's metadata, from the configuration `getConfiguration()` answered. openid-client's
   * `serverMetadata()` deep-copies it on every call, which a sign-in would otherwise pay for each time.
   */
  serverMetadata(): oidc.ServerMetadata {
    if (!this.metadata) throw providerUnavailable(this.name);
    return this.metadata;
  }

  /**
   * The provider's signing keys (its `jwks_uri`), for ID and logout tokens. Cached; refetched when a token names
   * a key not in the set, at most once a minute (a forged kid cannot make us hammer the provider), and after
   * five minutes in any case. Over https only, unless the issuer itself is a loopback http one the operator
   * allowed.
   */
  signingKeys(): ReturnType<typeof createRemoteJWKSet> {
    if (this.signingKeysSet) return this.signingKeysSet;
    const uri = this.serverMetadata().jwks_uri;
    if (!uri) throw new Error(`the provider "${this.name}" publishes no signing keys`);
    const url = new URL(uri);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && this.insecureHttpAllowed())) {
      throw new Error(`the signing keys of "${this.name}" are not served over https`);
    }
    this.signingKeysSet = createRemoteJWKSet(url, {
      timeoutDuration: (this.options.timeoutSeconds ?? 10) * 1000,
      cooldownDuration: 60_000,
      cacheMaxAge: 300_000,
    });
    return this.signingKeysSet;
  }

  /**
   * Checks an ID token's signature against the provider's keys, with the pinned algorithm (`id-token-signature.ts`).
   * openid-client checks the claims; its own signature check (`enableNonRepudiationChecks`) would fetch and
   * cache the keys apart from the set back-channel logout uses, and verify a second time.
   */
  async verifyIdTokenSignature(idToken: string): Promise<void> {
    await verifyCompactSignature(idToken, this.signingKeys(), this.idTokenAlg);
  }

  private insecureHttpAllowed(): boolean {
    const { issuer, allowInsecureHttp } = this.config;
    return Boolean(
      allowInsecureHttp && issuer && new URL(issuer).protocol === 'http:' && isLoopback(new URL(issuer)),
    );
  }

  /** Starts discovery without waiting; failures are logged and retried on first use. */
  warmUp(): Promise<void> {
    return this.getConfiguration().then(
      () => undefined,
      () => undefined,
    );
  }

  private async discover(): Promise<oidc.Configuration> {
    const { config, options } = this;
    const metadata: Partial<oidc.ClientMetadata> = {
      client_secret: config.clientSecret,
      // Pinned, never taken from the provider's metadata: a provider (or whoever answers its discovery URL)
      // that advertises `none` or `HS256` must not talk us into accepting an unsigned or MAC'd ID token.
      id_token_signed_response_alg: this.idTokenAlg,
    };
    try {
      const auth = await clientAuth(config);
      const configuration = await this.kind.configure({
        config,
        metadata,
        auth,
        fetch: this.fetch,
        timeoutSeconds: options.timeoutSeconds ?? 10,
        insecureHttpAllowed: this.insecureHttpAllowed(),
      });
      configuration[oidc.customFetch] = this.fetch;
      configuration.timeout = this.clientTimeoutSeconds;
      this.metadata = Object.freeze(configuration.serverMetadata());
      this.configuration = configuration;
      options.logger.info({ provider: this.name, kind: this.kind.name }, 'provider ready');
      return configuration;
    } catch (error) {
      this.lastFailureAt = options.now?.() ?? Date.now();
      options.logger.warn(
        {
          provider: this.name,
          err: { message: (error as Error).message, code: (error as { code?: string }).code },
        },
        'provider discovery failed; will retry on use',
      );
      throw error;
    }
  }

  /** The user behind a token response, as this provider's kind learns it. */
  loadUser(
    configuration: oidc.Configuration,
    tokens: GrantedTokens,
    dpop?: oidc.DPoPHandle,
  ): Promise<LoadedUser> {
    const { config, claims } = this;
    return this.kind.loadUser({
      configuration,
      metadata: this.serverMetadata(),
      config,
      claims,
      tokens,
      dpop,
    });
  }

  /** The RP-initiated logout endpoint, when the provider has one. */
  endSessionEndpoint(configuration: oidc.Configuration): string | undefined {
    return this.config.endSessionEndpoint ?? configuration.serverMetadata().end_session_endpoint;
  }
}

export class ProviderRegistry {
  private readonly byName: Map<string, Provider>;
  constructor(readonly providers: Provider[]) {
    this.byName = new Map(providers.map((p) => [p.name, p]));
  }
  static create(configs: ProviderConfig[], options: ProviderOptions): ProviderRegistry {
    return new ProviderRegistry(configs.map((c) => new Provider(c, options)));
  }
  get(name: string): Provider | undefined {
    return this.byName.get(name);
  }
  get default(): Provider {
    // The schema requires at least one provider.
    return this.providers[0]!;
  }
  async warmUp(): Promise<void> {
    await Promise.all(this.providers.map((p) => p.warmUp()));
  }
}
