import type { AppDeps } from '../deps.ts';
import type { SignInDeps } from '../sign-in/sign-in-deps.ts';

/** The sign-in core's share of the app's deps, its policy read from configuration once. */
export function signInDeps(deps: AppDeps): SignInDeps {
  const { store, providers, cipher, clock, logger, config, metrics, providerClock } = deps;
  return {
    store,
    providers,
    cipher,
    clock,
    providerClock: providerClock ?? (() => Date.now()),
    logger,
    policy: {
      redirectUri: `${config.publicUrl}/auth/callback`,
      transactionTtlMs: config.loginTransactionTtlMs,
      session: config.session,
    },
    ...(metrics ? { metrics } : {}),
  };
}
