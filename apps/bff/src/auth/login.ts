import type { Middleware } from 'koa';
import * as oidc from 'openid-client';
import type { AppDeps } from '../deps.ts';
import { HttpError, invalidRequest } from '../http/errors.ts';
import { safeReturnTo } from '../security/return-to.ts';
import { spaOriginFor } from '../security/spa-origin.ts';
import { newTransactionId } from '../session/keys.ts';
import { ensureBrowserBinding, hashBinding, type BindingCookieOptions } from './browser-binding.ts';
import { newLoginSecrets, pkceChallengeS256 } from './pkce.ts';
import { redirectTo } from './redirect.ts';

export const bindingCookieOptions = (deps: AppDeps): BindingCookieOptions => ({
  name: `${deps.config.session.cookieName}-login`,
  secure: deps.config.cookieSecure,
  maxAgeMs: deps.config.loginTransactionTtlMs,
});

/**
 * `GET /auth/login?provider=&returnTo=`: authorization code with PKCE (S256), state and nonce. The transaction
 * is stored server-side under its state, bound to this browser, single-use and short-lived.
 */
export function login(deps: AppDeps): Middleware {
  const { config, providers, store, clock } = deps;
  return async (ctx) => {
    const requested = ctx.query.provider;
    if (requested !== undefined && typeof requested !== 'string') throw invalidRequest('Give one provider.');
    const provider = requested ? providers.get(requested) : providers.default;
    if (!provider) throw invalidRequest(`Unknown provider "${String(requested).slice(0, 64)}".`);

    const spaOrigin = spaOriginFor(ctx, config.spaOrigins);
    let configuration: oidc.Configuration;
    try {
      configuration = await provider.getConfiguration();
    } catch (error) {
      if (error instanceof HttpError && error.code === 'provider_unavailable') {
        redirectTo(ctx, new URL(`${spaOrigin}/?error=provider_unavailable`));
        return;
      }
      throw error;
    }

    const state = newTransactionId();
    const secrets = newLoginSecrets();
    const codeVerifier = secrets.codeVerifier;
    const nonce = provider.kind === 'oidc' ? secrets.nonce : null;
    const binding = ensureBrowserBinding(ctx, bindingCookieOptions(deps));
    const now = clock();
    await store.putTransaction(
      state,
      {
        provider: provider.name,
        browserBinding: hashBinding(binding),
        codeVerifier,
        nonce,
        returnTo: `${spaOrigin}${safeReturnTo(ctx.query.returnTo)}`,
        createdAt: now,
      },
      now + config.loginTransactionTtlMs,
    );

    const parameters: Record<string, string> = {
      ...provider.authorizationParams,
      redirect_uri: `${config.publicUrl}/auth/callback`,
      response_type: 'code',
      code_challenge: pkceChallengeS256(codeVerifier),
      code_challenge_method: 'S256',
      state,
    };
    if (provider.scopes.length > 0) parameters.scope = provider.scopes.join(' ');
    if (nonce) parameters.nonce = nonce;
    // offline_access needs prompt=consent at some providers; the dev IdP grants first-party clients silently.
    redirectTo(ctx, oidc.buildAuthorizationUrl(configuration, parameters));
  };
}
