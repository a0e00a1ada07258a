import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Page } from './html.ts';
import { autoLogoutPage, logoutConfirmPage, messagePage } from './pages.ts';

/**
 * RP-initiated logout pages (`features.rpInitiatedLogout`).
 *
 * oidc-provider always renders a page for a signed-in session and expects the user to confirm with a POST.
 * For a first-party client the user has already decided to sign out in the app, so the page submits itself —
 * but only when the request carries an `id_token_hint` issued to that client for the user signed in here.
 * A bare `client_id` proves nothing (any site can link to the end-session endpoint), so it gets the
 * confirmation page, as does a hint for another user.
 */

export function createLogoutSource(isFirstParty: (clientId: string) => boolean) {
  return function logoutSource(ctx: KoaContextWithOIDC, form: string): void {
    const client = ctx.oidc.client;
    const hintSub = ctx.oidc.entities.IdTokenHint?.payload['sub'];
    const signedIn = ctx.oidc.session?.accountId;
    const automatic =
      client !== undefined && isFirstParty(client.clientId) && signedIn !== undefined && hintSub === signedIn;
    send(ctx, automatic ? autoLogoutPage(form) : logoutConfirmPage(form, ctx.host));
  };
}

/** Shown after a logout that has no (valid) post_logout_redirect_uri to return to. */
export function postLogoutSuccessSource(ctx: KoaContextWithOIDC): void {
  send(ctx, messagePage('Signed out', 'You are signed out of the development identity provider.'));
}

function send(ctx: KoaContextWithOIDC, page: Page): void {
  ctx.set(page.headers);
  ctx.type = 'html';
  ctx.body = page.html;
}
