import * as oidc from 'openid-client';
import { dpopHandle } from './dpop-key.ts';
import { refreshSessionClaims } from '../sign-in/session-claims.ts';
import type { SignInDeps } from '../sign-in/sign-in-deps.ts';
import { providerUnavailable, sessionEnded, SignInError } from '../sign-in/sign-in-error.ts';
import type { StoredSession } from '../store/store.ts';
import { traced } from '../observability/tracing.ts';
import { failureCause } from '../logging/failure-cause.ts';
import { isFresh } from './refresh-ahead.ts';
import type { ResourceToken, TokenSet } from './token-set.ts';
import { openTokens, sealTokens, tokenSetFrom } from './sealed-tokens.ts';

/** How long one refresh may hold the cross-replica lease; longer than any token request we allow. */
const LEASE_MS = 15_000;
/** How long a request waits for a refresh running elsewhere before it answers 503. */
const WAIT_FOR_OTHERS_MS = 5_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const TRANSIENT_NAMES = new Set(['TimeoutError', 'AbortError', 'JWKSTimeout']);
const TRANSIENT_CODES = new Set(['OAUTH_TIMEOUT', 'OAUTH_ABORT']);

/** A network failure, a timeout or a 5xx: the provider may answer later, so the session is kept. */
function isTransient(error: unknown): boolean {
  if (error instanceof oidc.ResponseBodyError) return error.status >= 500;
  if (error instanceof Error && TRANSIENT_NAMES.has(error.name)) return true;
  // openid-client wraps a timeout or an abort of its request in a ClientError with one of these codes.
  if (error instanceof oidc.ClientError && TRANSIENT_CODES.has(error.code ?? '')) return true;
  if (error instanceof TypeError && !(error as { code?: string }).code) return true; // fetch failed
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Response && cause.status >= 500;
}

/**
 * Hands out access tokens for a session, refreshing them shortly before they expire — exactly once per
 * session however many requests arrive together: one in-process flight per session, and a lease in the store
 * across replicas, after which the session is re-read (another replica may have refreshed it already).
 *
 * A refresh the provider refuses (`invalid_grant`, a refreshed ID token for another `iss` or `sub`) ends the
 * session (`SignInError` `session_ended`). A provider that is down or slow keeps the session
 * (`provider_unavailable`, or `refresh_pending` while another replica's refresh takes too long).
 */
export class TokenService {
  private readonly inFlight = new Map<string, Promise<TokenSet>>();

  constructor(
    private readonly deps: Pick<
      SignInDeps,
      'store' | 'providers' | 'cipher' | 'clock' | 'logger' | 'metrics'
    >,
  ) {}

  /** The session's access token — for `resource` (RFC 8707) when given — fresh for a while (see refresh-ahead.ts). */
  async accessToken(key: string, session: StoredSession, resource?: string): Promise<string> {
    const tokens = this.open(session);
    const current = this.pick(tokens, resource);
    if (current && this.isFresh(current)) return current.accessToken;
    const flight = `${key}\n${resource ?? ''}`;
    let pending = this.inFlight.get(flight);
    if (!pending) {
      pending = traced('gatehouse.refresh', { 'gatehouse.provider': session.provider }, () =>
        this.refreshUnderLease(key, resource),
      ).finally(() => this.inFlight.delete(flight));
      this.inFlight.set(flight, pending);
    }
    const refreshed = this.pick(await pending, resource);
    if (!refreshed) throw sessionEnded();
    return refreshed.accessToken;
  }

  private open(session: StoredSession): TokenSet {
    return openTokens(this.deps.cipher, session.tokens, session.provider, session.user.sub);
  }

  private pick(tokens: TokenSet, resource: string | undefined): ResourceToken | undefined {
    return resource ? tokens.resources?.[resource] : tokens;
  }

  private isFresh(token: ResourceToken): boolean {
    return isFresh(token, this.deps.clock());
  }

  private needsRefresh(tokens: TokenSet, resource: string | undefined): boolean {
    const token = this.pick(tokens, resource);
    return !token || !this.isFresh(token);
  }

  private async refreshUnderLease(key: string, resource: string | undefined): Promise<TokenSet> {
    const { store } = this.deps;
    const lock = `refresh:${key}`;
    const giveUpAt = performance.now() + WAIT_FOR_OTHERS_MS;
    for (;;) {
      const lease = await store.acquireLock(lock, LEASE_MS);
      if (lease) {
        try {
          return await this.refreshNow(key, resource);
        } finally {
          await store.releaseLock(lock, lease).catch(() => undefined);
        }
      }
      // Another replica is refreshing this session: wait for its result rather than refresh twice.
      await sleep(50);
      const session = await store.get(key);
      if (!session) throw sessionEnded();
      const tokens = this.open(session);
      if (!this.needsRefresh(tokens, resource)) return tokens;
      if (performance.now() > giveUpAt)
        throw new SignInError('refresh_pending', 'Token refresh is taking too long.');
    }
  }

  private async refreshNow(key: string, resource: string | undefined): Promise<TokenSet> {
    const { store, providers, clock, cipher, logger } = this.deps;
    const session = await store.get(key);
    if (!session) throw sessionEnded();
    const tokens = this.open(session);
    if (!this.needsRefresh(tokens, resource)) return tokens;
    if (!tokens.refreshToken) {
      // Nothing to refresh with: the session cannot call APIs any more, so it ends cleanly.
      await store.destroy(key);
      throw sessionEnded();
    }
    const provider = providers.get(session.provider);
    if (!provider) throw sessionEnded();
    const configuration = await provider.getConfiguration();

    let response: Awaited<ReturnType<typeof oidc.refreshTokenGrant>>;
    try {
      // A DPoP-bound session proves its key again: the new tokens stay bound to it.
      const dpop = tokens.dpopKey ? { DPoP: await dpopHandle(configuration, tokens.dpopKey) } : undefined;
      response = await oidc.refreshTokenGrant(
        configuration,
        tokens.refreshToken,
        resource ? { resource } : undefined,
        dpop,
      );
      if (response.id_token) await provider.verifyIdTokenSignature(response.id_token);
      const claims = response.claims();
      if (claims && claims.sub !== session.user.sub)
        throw new Error('the refreshed ID token names another subject');
    } catch (error) {
      if (isTransient(error)) {
        logger.warn({ provider: provider.name, ...failureCause(error) }, 'token refresh failed; will retry');
        this.deps.metrics?.tokenRefresh(provider.name, 'unavailable');
        throw providerUnavailable(provider.name);
      }
      logger.info(
        {
          provider: provider.name,
          oauthError: (error as { error?: unknown }).error,
          ...failureCause(error),
        },
        'token refresh refused; session ended',
      );
      this.deps.metrics?.tokenRefresh(provider.name, 'refused');
      await store.destroy(key);
      throw sessionEnded();
    }

    const now = clock();
    const expiresAt = typeof response.expires_in === 'number' ? now + response.expires_in * 1000 : null;
    const next: TokenSet = resource
      ? {
          ...tokens,
          refreshToken: response.refresh_token ?? tokens.refreshToken,
          resources: {
            ...tokens.resources,
            [resource]: { accessToken: response.access_token, expiresAt, obtainedAt: now },
          },
        }
      : tokenSetFrom(response, now, tokens);
    const updated: StoredSession = {
      ...session,
      tokens: sealTokens(cipher, next, session.provider, session.user.sub),
      accessTokenExpiresAt: next.expiresAt,
      // A refreshed ID token is the provider's current word on the user: kept claims follow it.
      ...(response.id_token
        ? { claims: refreshSessionClaims(session.claims, response.claims(), provider.config.sessionClaims) }
        : {}),
    };
    // `update` never resurrects: a session revoked while we refreshed stays revoked.
    if (!(await store.update(key, updated))) throw sessionEnded();
    this.deps.metrics?.tokenRefresh(provider.name, 'success');
    logger.debug({ provider: provider.name, resource: resource ?? null }, 'tokens refreshed');
    return next;
  }
}
