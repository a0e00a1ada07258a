import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { ProviderRegistry } from '../providers/provider.ts';
import type { LifetimePolicy } from '../session/lifetime.ts';
import type { SessionStore } from '../store/store.ts';
import type { TokenCipher } from '../tokens/token-cipher.ts';
import type { Metrics } from '../observability/metrics.ts';

/** The rules of a sign-in that configuration sets. */
export interface SignInPolicy {
  /** Where providers send the browser back: `<PUBLIC_BFF_URL>/auth/callback`. */
  redirectUri: string;
  /** How long a login transaction may take, from `/auth/login` to `/auth/callback`. */
  transactionTtlMs: number;
  session: LifetimePolicy;
}

/** All the sign-in core needs: no Koa, no request, no configuration beyond its policy. */
export interface SignInDeps {
  store: SessionStore;
  providers: ProviderRegistry;
  cipher: TokenCipher;
  /** The session's clock: lifetimes, transactions, token expiry. */
  clock: Clock;
  /**
   * The clock provider-issued tokens are judged by. openid-client checks an ID token's `exp` and `iat` against
   * the real time and cannot be handed another clock, so our own freshness check reads the same one; a test
   * moving `clock` through a session's lifetime must not age the tokens a real provider issues.
   */
  providerClock: Clock;
  logger: Logger;
  policy: SignInPolicy;
  /** Refreshes and refused sign-ins are counted here, where the app records metrics. */
  metrics?: Pick<Metrics, 'tokenRefresh' | 'signInRefusals'>;
}
