import type { Middleware } from 'koa';
import type { Metrics } from './metrics.ts';

/** Where `/auth/callback` leaves the provider of the transaction it took, for the `provider` label. */
export interface SignInState {
  signInProvider?: string;
}

/**
 * Counts `/auth/callback` outcomes from what the browser is told: a redirect to the SPA with `?error=<code>` is
 * that code, any other redirect a `success`, and an answer without a valid transaction (400) `invalid_request`.
 * Reading the answer, not the flow, keeps the sign-in code free of metrics.
 */
export function signInMetrics(metrics: Metrics): Middleware<SignInState> {
  return async (ctx, next) => {
    let outcome = 'invalid_request';
    try {
      await next();
      outcome = 'success';
      const location = ctx.response.get('location');
      if (location) {
        const code = new URL(location, 'http://x').searchParams.get('error');
        if (code && /^[a-z_]{1,40}$/.test(code)) outcome = code;
      }
    } finally {
      metrics.signIn(ctx.state.signInProvider ?? 'unknown', outcome);
    }
  };
}
