import type { ErrorCode } from '@gatehouse/shared';
import type { Middleware, ParameterizedContext } from 'koa';
import * as oidc from 'openid-client';
import type { AppDeps } from '../deps.ts';
import { invalidRequest } from '../http/errors.ts';
import { markSessionCreation } from '../session/session-cookie.ts';
import { newSession } from '../session/lifetime.ts';
import { sealTokens, tokenSetFrom } from '../session/tokens.ts';
import { hashBinding, readBrowserBinding } from './browser-binding.ts';
import { idTokenIatProblem } from './id-token-freshness.ts';
import { bindingCookieOptions } from './login.ts';
import { redirectTo } from './redirect.ts';
import { loadUser } from './user-info.ts';

const WELL_FORMED_STATE = /^[A-Za-z0-9_-]{43}$/;

/** Redirect target for a failed login: the SPA's home with an error code it knows how to explain. */
function failureRedirect(returnTo: string, code: ErrorCode): URL {
  return new URL(`/?error=${code}`, returnTo);
}

/**
 * `GET /auth/callback`: finishes the flow. The transaction is taken (and so deleted) before anything else;
 * openid-client then checks state, RFC 9207 `iss`, PKCE, the ID token's alg (pinned), iss, aud, exp and nonce,
 * and the UserInfo `sub`; the provider checks the ID token's signature against its published keys. Only then is
 * a brand-new session created.
 */
export function callback(deps: AppDeps): Middleware {
  const { config, providers, store, clock, cipher } = deps;
  return async (ctx: ParameterizedContext) => {
    const state = ctx.query.state;
    if (typeof state !== 'string' || !WELL_FORMED_STATE.test(state)) {
      throw invalidRequest('The sign-in response carries no valid state. Start the sign-in again.');
    }
    const tx = await store.takeTransaction(state);
    if (!tx)
      throw invalidRequest('This sign-in is unknown, expired or already used. Start the sign-in again.');
    ctx.state.signInProvider = tx.provider; // observability/sign-in-metrics.ts

    // The request's child logger is built on first use: a successful sign-in at the default level needs none.
    const log = () => ctx.state.log ?? deps.logger;
    const fail = (code: ErrorCode, reason: string, error?: unknown): void => {
      const detail = error as { code?: unknown; error?: unknown; name?: unknown } | undefined;
      log().warn(
        {
          provider: tx.provider,
          reason,
          errorName: detail?.name,
          errorCode: detail?.code,
          oauthError: detail?.error,
        },
        'sign-in failed',
      );
      redirectTo(ctx, failureRedirect(tx.returnTo, code));
    };

    const binding = readBrowserBinding(ctx, bindingCookieOptions(deps));
    if (!binding || hashBinding(binding) !== tx.browserBinding) {
      return fail('login_failed', 'the transaction belongs to another browser');
    }
    const provider = providers.get(tx.provider);
    if (!provider) return fail('login_failed', 'the provider is no longer configured');
    let configuration: oidc.Configuration;
    try {
      configuration = await provider.getConfiguration();
    } catch (error) {
      return fail('provider_unavailable', 'the provider is unavailable', error);
    }

    const currentUrl = new URL(`${config.publicUrl}/auth/callback`);
    currentUrl.search = ctx.querystring;
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(configuration, currentUrl, {
        pkceCodeVerifier: tx.codeVerifier,
        expectedState: state,
        ...(provider.kind === 'oidc' ? { expectedNonce: tx.nonce ?? undefined, idTokenExpected: true } : {}),
      });
      if (tokens.id_token) await provider.verifyIdTokenSignature(tokens.id_token);
    } catch (error) {
      const denied = error instanceof oidc.AuthorizationResponseError && error.error === 'access_denied';
      return fail(
        denied ? 'access_denied' : 'login_failed',
        'the authorization response or code exchange was refused',
        error,
      );
    }

    if (provider.kind === 'oidc') {
      const problem = idTokenIatProblem(tokens.claims()?.iat, Date.now(), {
        toleranceSeconds: 60,
        maxAgeSeconds: config.loginTransactionTtlMs / 1000,
      });
      if (problem) return fail('login_failed', problem);
    }

    let loaded: Awaited<ReturnType<typeof loadUser>>;
    try {
      loaded = await loadUser(provider, configuration, tokens);
    } catch (error) {
      return fail('login_failed', 'the user info could not be loaded', error);
    }

    const now = clock();
    const tokenSet = tokenSetFrom(tokens, now);
    const session = newSession(
      {
        provider: provider.name,
        user: loaded.user,
        sid: loaded.sid,
        userAgent: ctx.get('user-agent').slice(0, 256) || null,
        tokens: sealTokens(cipher, tokenSet, provider.name, loaded.user.sub),
        accessTokenExpiresAt: tokenSet.expiresAt,
      },
      now,
      config.session,
    );

    // Whatever session this browser had is destroyed and a new id issued: no session fixation.
    const bag = ctx.session!;
    for (const key of Object.keys(bag.toJSON())) Reflect.deleteProperty(bag, key);
    Object.assign(bag, session);
    ctx.session!.maxAge = config.session.absoluteTimeoutMs;
    markSessionCreation(ctx);
    await ctx.session!.regenerate();
    if (deps.logger.isLevelEnabled('info')) log().info({ provider: provider.name }, 'signed in');
    redirectTo(ctx, new URL(tx.returnTo));
  };
}
