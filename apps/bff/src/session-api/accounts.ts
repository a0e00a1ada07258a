import { bodyParser } from '@koa/bodyparser';
import type { AccountSummary, SessionInfo } from '@gatehouse/shared';
import type { Middleware, ParameterizedContext } from 'koa';
import type { AppDeps } from '../deps.ts';
import { accountSwitched, sessionEnded } from '../events/session-event.ts';
import { invalidRequest, unauthenticated } from '../http/errors.ts';
import { isoTime } from '../session/iso-time.ts';
import { toSessionInfo } from '../session/lifetime.ts';
import { currentBrowser } from '../session/session-cookie.ts';
import {
  forgetAccounts,
  listAccounts,
  signOutAccount,
  signOutAllAccounts,
  switchAccount,
  unknownAccount,
  type Browser,
} from '../sign-in/browser-accounts.ts';
import { revokeAtProvider } from '../sign-in/token-revocation.ts';
import type { SessionState } from './require-session.ts';

const HANDLE = /^[A-Za-z0-9_-]{43}$/;

/** The request's browser, with the session as `requireSession` left it (its idle expiry slid). */
function browserOf(ctx: ParameterizedContext<SessionState>): Browser {
  const browser = currentBrowser(ctx);
  if (!browser) throw unauthenticated();
  return { ...browser, session: ctx.state.auth.session };
}

/** Tells the browser's open streams that it acts as `browser.key` now (they follow it and say `session`). */
export async function announceActive(deps: AppDeps, browser: Browser, on: readonly string[]): Promise<void> {
  if (!browser.accounts) return;
  const event = accountSwitched(browser.key, browser.accounts.key, toSessionInfo(browser.session));
  await Promise.all(on.map((key) => deps.events?.publish(key, event)));
}

/**
 * The browser no longer holds the sessions `ended` (destroyed already): with accounts left it goes on as the
 * active one (its streams follow), with none its cookie is cleared.
 */
export async function leaveAccounts(
  ctx: ParameterizedContext,
  deps: AppDeps,
  browser: Browser | null,
  ended: readonly string[],
): Promise<void> {
  const next = browser ? await forgetAccounts(deps.store, browser, ended) : null;
  if (!next) {
    ctx.session = null;
    return;
  }
  if (browser && next.key !== browser.key) await announceActive(deps, next, [next.accounts!.key]);
}

/** `GET /api/accounts`: the accounts this browser holds, the active one marked. */
export function listAccountsRoute(deps: AppDeps): Middleware<SessionState> {
  return async (ctx) => {
    const browser = browserOf(ctx);
    const held = await listAccounts(deps.store, browser);
    const body: AccountSummary[] = held.map(([id, session]) => ({
      id,
      active: id === browser.key,
      user: session.user,
      provider: session.provider,
      createdAt: isoTime(session.createdAt),
      expiresAt: isoTime(session.absoluteExpiresAt),
    }));
    ctx.body = body;
  };
}

/** `POST /api/accounts/active` `{"id"}`: acts as another of this browser's accounts; answers its `SessionInfo`. */
export function switchAccountRoute(deps: AppDeps): Middleware<SessionState>[] {
  const handler: Middleware<SessionState> = async (ctx) => {
    const id = (ctx.request.body as { id?: unknown } | undefined)?.id;
    if (typeof id !== 'string' || !HANDLE.test(id)) {
      throw invalidRequest('Send {"id": "<account id>"} as JSON, with an id from GET /api/accounts.');
    }
    const browser = browserOf(ctx);
    const next = await switchAccount(deps.store, browser, id);
    if (next.key !== browser.key) await announceActive(deps, next, [next.accounts!.key]);
    const body: SessionInfo = toSessionInfo(next.session);
    ctx.body = body;
  };
  return [bodyParser({ enableTypes: ['json'], jsonLimit: '2kb', encoding: 'utf-8' }), handler];
}

/** `DELETE /api/accounts/:id`: signs this browser out of one of its accounts (204); the others stay. */
export function signOutAccountRoute(deps: AppDeps): Middleware<SessionState> {
  return async (ctx) => {
    const id = (ctx.params as { id?: string }).id ?? '';
    if (!HANDLE.test(id)) throw unknownAccount();
    const browser = browserOf(ctx);
    const { ended, next } = await signOutAccount(deps.store, browser, id);
    if (!next) ctx.session = null;
    else if (next.key !== browser.key) await announceActive(deps, next, [next.accounts!.key]);
    await deps.events?.publish(id, sessionEnded('signed_out'));
    void revokeAtProvider(deps, ended);
    ctx.status = 204;
  };
}

/** `DELETE /api/accounts`: signs this browser out of every account it holds (204); the cookie is cleared. */
export function signOutAllAccountsRoute(deps: AppDeps): Middleware<SessionState> {
  return async (ctx) => {
    const ended = await signOutAllAccounts(deps.store, browserOf(ctx));
    ctx.session = null;
    await Promise.all(ended.map(([key]) => deps.events?.publish(key, sessionEnded('signed_out'))));
    for (const [, session] of ended) void revokeAtProvider(deps, session);
    ctx.status = 204;
  };
}
