import type { Middleware } from 'koa';
import type { AppDeps } from '../deps.ts';
import { invalidRequest } from '../http/errors.ts';
import { spaOriginFor } from '../security/spa-origin.ts';
import { currentSession } from '../session/session-cookie.ts';
import { beginLogin } from '../sign-in/begin-login.ts';
import { SignInError } from '../sign-in/sign-in-error.ts';
import { ensureBrowserBinding, type BindingCookieOptions } from './browser-binding.ts';
import { redirectTo } from './redirect.ts';
import { addAccountOption, silentPrompt, stepUpOptions } from './login-options.ts';
import { signInDeps } from './sign-in-deps.ts';

export const bindingCookieOptions = (deps: AppDeps): BindingCookieOptions => ({
  name: `${deps.config.session.cookieName}-login`,
  secure: deps.config.cookieSecure,
  maxAgeMs: deps.config.loginTransactionTtlMs,
});

/** `GET /auth/login?provider=&returnTo=` (`&addAccount=1`): `beginLogin`, then a 302 to the provider. */
export function login(deps: AppDeps): Middleware {
  const core = signInDeps(deps);
  const binding = bindingCookieOptions(deps);
  return async (ctx) => {
    const provider = ctx.query.provider;
    if (provider !== undefined && typeof provider !== 'string') throw invalidRequest('Give one provider.');
    const prompt = silentPrompt(ctx.query.prompt);
    const stepUp = stepUpOptions(ctx.query.acr, ctx.query.maxAge);
    const addAccount = addAccountOption(ctx.query.addAccount, prompt !== undefined, stepUp !== undefined);
    const session = stepUp ? currentSession(ctx)?.session : undefined;
    const spaOrigin = spaOriginFor(ctx, deps.config.spaOrigins);
    try {
      const { redirectUrl } = await beginLogin(core, {
        provider,
        spaOrigin,
        returnTo: ctx.query.returnTo,
        prompt,
        stepUp,
        addAccount,
        current: session ? { provider: session.provider, sub: session.user.sub } : null,
        browserBinding: () => ensureBrowserBinding(ctx, binding),
      });
      redirectTo(ctx, redirectUrl);
    } catch (error) {
      if (!(error instanceof SignInError && error.code === 'provider_unavailable')) throw error;
      redirectTo(ctx, new URL(`${spaOrigin}/?error=provider_unavailable`));
    }
  };
}
