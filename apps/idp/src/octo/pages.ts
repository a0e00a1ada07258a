import { escapeHtml as e, renderPage, type Page } from '../html.ts';
import { signInForm } from '../sign-in-form.ts';
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
  return renderPage({
    title: `Sign in — ${PROVIDER_NAME}`,
    body: `<h1>Sign in to Octo</h1>
<p>to continue to <strong>${e(options.clientName)}</strong></p>
<p class="hint">Octo is a GitHub-like OAuth 2.0 provider for development and tests.</p>
${signInForm({ ...options, cancellable: true })}`,
  });
}

export function octoMessagePage(title: string, message: string): Page {
  return renderPage({
    title: `${title} — ${PROVIDER_NAME}`,
    body: `<h1>${e(title)}</h1>\n<p>${e(message)}</p>`,
  });
}
