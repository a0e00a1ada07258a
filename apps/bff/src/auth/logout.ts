import type { LogoutResponse } from '@gatehouse/shared';
import type { Middleware } from 'koa';
import type { AppDeps } from '../deps.ts';
import { sessionEnded } from '../events/session-event.ts';
import { spaOriginFor } from '../security/spa-origin.ts';
import { announceActive } from '../session-api/accounts.ts';
import { currentBrowser } from '../session/session-cookie.ts';
import { signOutAccount } from '../sign-in/browser-accounts.ts';
import { logout as endSignIn } from '../sign-in/logout.ts';

/**
 * `POST /auth/logout`: the session is destroyed in the store and its cookie cleared before anything else can
 * fail; then the browser is told where to go — the provider's end-session endpoint (RP-initiated logout)
 * where there is one, else the SPA's home. A browser holding several accounts signs out of the active one; it
 * goes on as another, and keeps its cookie.
 */
export function logout(deps: AppDeps): Middleware {
  return async (ctx) => {
    const home = `${spaOriginFor(ctx, deps.config.spaOrigins)}/`;
    const current = currentBrowser(ctx);
    // Gone from the store before the provider hears of it (koa-session's own destroy follows, a no-op).
    const next = current ? (await signOutAccount(deps.store, current, current.key)).next : null;
    if (!next) ctx.session = null;
    else await announceActive(deps, next, [next.accounts!.key]);
    if (current) await deps.events?.publish(current.key, sessionEnded('signed_out'));
    const ended = current ? await endSignIn(deps, current.session, home) : {};
    const body: LogoutResponse = { redirectTo: ended.endSessionUrl ?? home };
    ctx.body = body;
  };
}
