import { escapeHtml as e, renderPage, type Page } from '../html.ts';
import type { DemoUser } from '../users.ts';

/** The GitHub-like provider's pages, in the dev IdP's style (same shell, banner and CSP). */

export const PROVIDER_NAME = 'Octo (GitHub-like dev provider)';

export interface OctoLoginPageOptions {
  action: string;
  clientName: string;
  /** The authorization request, carried through the form and validated again when it comes back. */
  hidden: [string, string][];
  users: readonly DemoUser[];
  username?: string;
  error?: string;
}

export function octoLoginPage(options: OctoLoginPageOptions): Page {
  const error = options.error ? `<p class="error" role="alert">${e(options.error)}</p>` : '';
  const hidden = options.hidden
    .map(([name, value]) => `<input type="hidden" name="${e(name)}" value="${e(value)}">`)
    .join('\n');
  const hints = options.users
    .map(
      (user) =>
        `<li><code>${e(user.username)}</code> / <code>${e(user.password)}</code> (${e(user.name)})</li>`,
    )
    .join('');
  const focusUser = options.username ? '' : ' autofocus';
  const focusPassword = options.username ? ' autofocus' : '';
  return renderPage({
    title: `Sign in — ${PROVIDER_NAME}`,
    body: `<h1>Sign in to Octo</h1>
<p>to continue to <strong>${e(options.clientName)}</strong></p>
<p class="hint">Octo is a GitHub-like OAuth 2.0 provider for development and tests.</p>
${error}
<form method="post" action="${e(options.action)}" novalidate>
${hidden}
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${e(options.username ?? '')}"${focusUser}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${focusPassword}>
<button type="submit">Sign in</button>
<button type="submit" name="cancel" value="1" class="secondary">Cancel</button>
</form>
<section class="hint" aria-label="Demo users">
<strong>Demo users</strong>
<ul>${hints}</ul>
</section>`,
  });
}

export function octoMessagePage(title: string, message: string): Page {
  return renderPage({
    title: `${title} — ${PROVIDER_NAME}`,
    body: `<h1>${e(title)}</h1>\n<p>${e(message)}</p>`,
  });
}
