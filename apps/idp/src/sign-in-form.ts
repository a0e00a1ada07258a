import { escapeHtml as e } from './html.ts';
import type { DemoUser } from './users.ts';

/** The sign-in form and demo-user hints both dev providers show (the contract names its labels and button). */

export interface SignInFormOptions {
  action: string;
  users: readonly DemoUser[];
  username?: string;
  error?: string;
  /** Fields carried through the form and validated again when it comes back. */
  hidden?: [string, string][];
  /** Adds a `Cancel` button that submits `cancel=1`. */
  cancellable?: boolean;
}

export function signInForm(options: SignInFormOptions): string {
  const error = options.error ? `<p class="error" role="alert">${e(options.error)}</p>\n` : '';
  const hidden = (options.hidden ?? [])
    .map(([name, value]) => `<input type="hidden" name="${e(name)}" value="${e(value)}">\n`)
    .join('');
  const hints = options.users
    .map(
      (user) =>
        `<li><code>${e(user.username)}</code> / <code>${e(user.password)}</code> (${e(user.name)})</li>`,
    )
    .join('');
  // The username field gets focus unless it is already filled in (after a wrong password).
  const focusUser = options.username ? '' : ' autofocus';
  const focusPassword = options.username ? ' autofocus' : '';
  const cancel = options.cancellable
    ? '\n<button type="submit" name="cancel" value="1" class="secondary">Cancel</button>'
    : '';
  return `${error}<form method="post" action="${e(options.action)}" novalidate>
${hidden}<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${e(options.username ?? '')}"${focusUser}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${focusPassword}>
<button type="submit">Sign in</button>${cancel}
</form>
<section class="hint" aria-label="Demo users">
<strong>Demo users</strong>
<ul>${hints}</ul>
</section>`;
}
