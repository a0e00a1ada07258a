import { escapeHtml as e, renderPage, type Page } from './html.ts';
import { signInForm } from './sign-in-form.ts';
import type { DemoUser } from './users.ts';

/** The pages the dev IdP shows: sign-in, sign-out (automatic or confirmed) and errors. */

export const INVALID_CREDENTIALS = 'Invalid username or password.';

export interface LoginPageOptions {
  action: string;
  clientName: string;
  users: readonly DemoUser[];
  username?: string;
  error?: string;
}

export function loginPage(options: LoginPageOptions): Page {
  return renderPage({
    title: 'Sign in — Dev IdP',
    body: `<h1>Sign in</h1>
<p>to continue to <strong>${e(options.clientName)}</strong></p>
${signInForm(options)}`,
  });
}

/**
 * The sign-out page for a first-party client: the user already chose to sign out in the app, so the form
 * submits itself. `logout=yes` ends the whole IdP session, not only this client's part of it.
 */
export function autoLogoutPage(form: string): Page {
  return renderPage({
    title: 'Signing out — Dev IdP',
    autoSubmit: true,
    body: `<h1>Signing out…</h1>
${form}
<input type="hidden" form="op.logoutForm" name="logout" value="yes">
<noscript><p>JavaScript is disabled.</p><button type="submit" form="op.logoutForm">Continue</button></noscript>`,
  });
}

/** The sign-out page when the request does not prove it comes from the signed-in user's own client. */
export function logoutConfirmPage(form: string, host: string): Page {
  return renderPage({
    title: 'Sign out — Dev IdP',
    body: `<h1>Sign out of ${e(host)}?</h1>
${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>
<button type="submit" form="op.logoutForm" class="secondary">Stay signed in</button>`,
  });
}

export function messagePage(title: string, message: string): Page {
  return renderPage({ title: `${title} — Dev IdP`, body: `<h1>${e(title)}</h1>\n<p>${e(message)}</p>` });
}
