import type { Middleware } from 'koa';
import type { AppDeps } from '../deps.ts';
import { announceActive } from '../session-api/accounts.ts';
import {
  currentBrowser,
  currentSession,
  markSessionCreation,
  setSessionCookie,
} from '../session/session-cookie.ts';
import { addAccount } from '../sign-in/browser-accounts.ts';
import { finishLogin } from '../sign-in/finish-login.ts';
import { readBrowserBinding } from './browser-binding.ts';
import { bindingCookieOptions } from './login.ts';
import { redirectTo } from './redirect.ts';
import { signInDeps } from './sign-in-deps.ts';

/** `GET /auth/callback`: `finishLogin`, then the new session under a new id, or the SPA told what failed. */
export function callback(deps: AppDeps): Middleware {
  const core = signInDeps(deps);
  const binding = bindingCookieOptions(deps);
  return async (ctx) => {
    const outcome = await finishLogin(core, {
      state: ctx.query.state,
      query: ctx.querystring,
      browserBinding: readBrowserBinding(ctx, binding),
      userAgent: ctx.get('user-agent').slice(0, 256) || null,
      current: currentSession(ctx)?.session ?? null,
    });
    ctx.state.signInProvider = outcome.provider; // observability/sign-in-metrics.ts
    // The request's child logger is built on first use: a successful sign-in at the default level needs none.
    const log = () => ctx.state.log ?? deps.logger;
    if (!outcome.ok && outcome.refusal) {
      const { provider, refusal } = outcome;
      log().warn({ provider, ...refusal }, 'sign-in refused by the allow rules');
      return redirectTo(ctx, outcome.returnTo);
    }
    if (!outcome.ok) {
      const detail = outcome.error as { code?: unknown; error?: unknown; name?: unknown } | undefined;
      const { provider, reason } = outcome;
      const context = { errorName: detail?.name, errorCode: detail?.code, oauthError: detail?.error };
      log().warn({ provider, reason, ...context }, 'sign-in failed');
      return redirectTo(ctx, outcome.returnTo);
    }
    // Asked to add an account, or already holding several: the browser keeps the others, under a new cookie.
    const browser = currentBrowser(ctx);
    if (browser && (outcome.addAccount || browser.accounts)) {
      const added = await addAccount(deps.store, browser, outcome.session);
      const { record } = added.browser.accounts;
      setSessionCookie(ctx, deps.config, added.cookieId, Math.max(1000, record.expiresAt - deps.clock()));
      const before = browser.accounts ? [browser.accounts.key, ...added.retired] : added.retired;
      await announceActive(deps, added.browser, before);
      if (deps.logger.isLevelEnabled('info')) log().info({ provider: outcome.provider }, 'account added');
      return redirectTo(ctx, outcome.returnTo);
    }
    // Whatever session this browser had is destroyed and a new id issued: no session fixation.
    const bag = ctx.session!;
    for (const key of Object.keys(bag.toJSON())) Reflect.deleteProperty(bag, key);
    Object.assign(bag, outcome.session);
    // A stepped-up session keeps its absolute end; its cookie lives as long as it has left.
    const { session } = outcome;
    bag.maxAge = outcome.upgraded
      ? Math.max(1000, session.absoluteExpiresAt - deps.clock())
      : deps.config.session.absoluteTimeoutMs;
    markSessionCreation(ctx);
    await ctx.session!.regenerate();
    if (deps.logger.isLevelEnabled('info')) {
      log().info({ provider: outcome.provider }, outcome.upgraded ? 'session stepped up' : 'signed in');
    }
    redirectTo(ctx, outcome.returnTo);
  };
}
