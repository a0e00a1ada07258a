import type { Context } from 'koa';
import type { Logger } from 'pino';
import type { Page } from '../html.ts';
import { INVALID_CREDENTIALS } from '../pages.ts';
import type { UserDirectory } from '../users.ts';
import {
  parseAuthorizationRequest,
  redirectTo,
  type AuthorizationRequest,
  type ParsedAuthorizationRequest,
} from './authorization-request.ts';
import type { ClientRegistry } from './clients.ts';
import { readForm } from '../form.ts';
import type { GrantStore } from './grants.ts';
import { octoLoginPage, octoMessagePage } from './pages.ts';

/**
 * The browser side: `GET /login/oauth/authorize` shows the sign-in page, `POST /session` checks the
 * credentials and redirects to the client with `code` and `state`. There is no provider session: every
 * authorization asks for the password (a development provider has no use for "remember me").
 */

export const SESSION_PATH = '/session';

export interface AuthorizeDeps {
  clients: ClientRegistry;
  users: UserDirectory;
  grants: GrantStore;
  logger: Logger;
}

export function send(ctx: Context, status: number, page: Page): void {
  ctx.status = status;
  ctx.set(page.headers);
  ctx.type = 'html';
  ctx.body = page.html;
}

function redirect(ctx: Context, status: 302 | 303, location: string): void {
  ctx.set('cache-control', 'no-store');
  ctx.redirect(location);
  ctx.status = status;
}

/** Errors that may not go back to the client are shown here; the others are redirected. Returns the request. */
function accept(
  ctx: Context,
  parsed: ParsedAuthorizationRequest,
  status: 302 | 303,
): AuthorizationRequest | null {
  if (parsed.ok) return parsed.request;
  if ('page' in parsed) {
    send(ctx, 400, octoMessagePage('Request refused', parsed.page));
  } else {
    const { error, description, state } = parsed;
    redirect(ctx, status, redirectTo(parsed.redirectUri, { error, error_description: description, state }));
  }
  return null;
}

function showLogin(
  ctx: Context,
  deps: AuthorizeDeps,
  request: AuthorizationRequest,
  error?: string,
  username?: string,
) {
  send(
    ctx,
    200,
    octoLoginPage({
      action: SESSION_PATH,
      clientName: request.client.name ?? request.client.clientId,
      hidden: request.params,
      users: deps.users.users,
      ...(username ? { username } : {}),
      ...(error ? { error } : {}),
    }),
  );
}

export function authorizePage(deps: AuthorizeDeps) {
  return (ctx: Context): void => {
    const request = accept(
      ctx,
      parseAuthorizationRequest(new URLSearchParams(ctx.querystring), deps.clients),
      302,
    );
    if (request) showLogin(ctx, deps, request);
  };
}

export function signIn(deps: AuthorizeDeps) {
  return async (ctx: Context): Promise<void> => {
    const form = await readForm(ctx.req);
    const request = accept(ctx, parseAuthorizationRequest(form, deps.clients), 303);
    if (!request) return;
    if (form.get('cancel')) {
      deps.logger.info({ clientId: request.client.clientId }, 'octo: sign-in cancelled');
      const location = redirectTo(request.redirectUri, {
        error: 'access_denied',
        error_description: 'The user cancelled the sign-in.',
        state: request.state,
      });
      redirect(ctx, 303, location);
      return;
    }
    const username = (form.get('username') ?? '').trim();
    const password = form.get('password') ?? '';
    const user = username && password ? deps.users.authenticate(username, password) : undefined;
    if (!user) {
      deps.logger.info({ username: username.slice(0, 64) }, 'octo: sign-in refused');
      showLogin(ctx, deps, request, INVALID_CREDENTIALS, username);
      return;
    }
    const code = deps.grants.issueCode({
      clientId: request.client.clientId,
      redirectUri: request.redirectUriGiven ? request.redirectUri : null,
      scope: request.scope,
      codeChallenge: request.codeChallenge,
      user,
    });
    deps.logger.info({ sub: user.username, clientId: request.client.clientId }, 'octo: signed in');
    redirect(ctx, 303, redirectTo(request.redirectUri, { code, state: request.state }));
  };
}
