import type Koa from 'koa';
import type { Middleware, ParameterizedContext } from 'koa';
import createSession from 'koa-session';
import type { Config } from '../config/env.ts';
import { isWellFormedSessionId, newSessionId, newSessionIdFor, storeKeyFor } from './keys.ts';
import type { SessionStore, StoredSession } from '../store/store.ts';
import { resolveBrowser, type Browser } from '../sign-in/browser-accounts.ts';

/**
 * koa-session over our `SessionStore`: the cookie carries only an opaque 256-bit id; the store is keyed by its
 * SHA-256, so neither a store dump nor the session list reveals a usable cookie value.
 *
 * koa-session saves the whole bag whenever it changed. A plain save of an existing session could bring back
 * a session another replica just revoked, so only the sign-in that creates a session (`markSessionCreation`)
 * writes with `set`; every later save goes through `update`, which never resurrects.
 *
 * koa-session serialises and checksums its bag twice a request to see whether it changed. The sealed tokens are
 * most of a session's bytes and never change through the bag (refreshes write to the store directly), so the
 * bag of a loaded session leaves them out: the record as the store answered it is kept for the request, and
 * `currentSession` hands that out.
 *
 * A cookie may also name a browser's several accounts (`sign-in/browser-accounts.ts`): the bag is then the active
 * account's session, saved under that session's own key, and `currentBrowser` says which accounts there are.
 */

const CREATING = Symbol('gatehouse.creatingSession');
/** koa-session saves again after `regenerate()`; the second, identical write is skipped. */
const lastWrite = new WeakMap<object, string>();
/**
 * The session behind the request's cookie: its id, its store key (a SHA-256, computed once a request, or the
 * active account's key), the record as the store answered it (the bag holds it minus tokens) and the browser.
 */
const loaded = new WeakMap<object, { id: string; key: string; record: StoredSession; browser: Browser }>();
type SessionState = { [CREATING]?: boolean };

export function markSessionCreation(ctx: ParameterizedContext): void {
  (ctx.state as SessionState)[CREATING] = true;
}

function isStoredSession(value: unknown): value is StoredSession {
  return typeof value === 'object' && value !== null && (value as { v?: unknown }).v === 1;
}

/** koa-session adds `_expire`/`_maxAge`; expiry is the store's job, so they are not persisted. */
function withoutKoaFields(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([key]) => !key.startsWith('_')));
}

export function sessionCookie(app: Koa, config: Config, store: SessionStore): Middleware {
  return createSession(
    {
      key: config.session.cookieName,
      maxAge: config.session.absoluteTimeoutMs,
      httpOnly: true,
      secure: config.cookieSecure,
      sameSite: config.session.sameSite,
      signed: false,
      overwrite: true,
      rolling: false,
      renew: false,
      // A sign-in's id is drawn in its user's slot bucket (Redis Cluster keeps a user's keys in one slot).
      genid: (ctx: ParameterizedContext) => {
        const bag = (ctx.state as SessionState)[CREATING] ? (ctx.session as unknown) : undefined;
        return isStoredSession(bag) ? newSessionIdFor(bag.provider, bag.user.sub) : newSessionId();
      },
      store: {
        async get(id: string, _maxAge: number, options: { ctx?: ParameterizedContext }) {
          if (!isWellFormedSessionId(id) || !options.ctx) return null;
          const browser = await resolveBrowser(store, storeKeyFor(id));
          if (!browser) return null;
          const { key, session: record } = browser;
          loaded.set(options.ctx, { id, key, record, browser });
          const { tokens: _sealed, ...bag } = record;
          return bag;
        },
        async set(
          id: string,
          data: Record<string, unknown>,
          _maxAge: number,
          options: { ctx?: ParameterizedContext },
        ) {
          const ctx = options.ctx;
          if (!ctx) return;
          const session = withoutKoaFields(data);
          // A loaded session's bag has no tokens: a save of it keeps the ones it was loaded with.
          const before = loaded.get(ctx);
          if (session.tokens === undefined && before) session.tokens = before.record.tokens;
          if (!isStoredSession(session)) return;
          const fingerprint = `${id}\n${JSON.stringify(session)}`;
          if (lastWrite.get(ctx) === fingerprint) return;
          lastWrite.set(ctx, fingerprint);
          if ((ctx.state as SessionState)[CREATING]) {
            await store.set(storeKeyFor(id), session);
          } else {
            await store.update(before && before.id === id ? before.key : storeKeyFor(id), session);
          }
        },
        // Handlers end the accounts themselves; what goes here is what the cookie named.
        async destroy(id: string, options?: { ctx?: ParameterizedContext }) {
          if (!isWellFormedSessionId(id)) return;
          const accounts = options?.ctx ? loaded.get(options.ctx)?.browser.accounts : null;
          if (accounts) await store.destroyAccounts(accounts.key);
          else await store.destroy(storeKeyFor(id));
        },
      },
    },
    app,
  );
}

/** The live session behind this request's cookie, or null. */
export function currentSession(ctx: ParameterizedContext): { key: string; session: StoredSession } | null {
  const bag = ctx.session as unknown;
  const id = ctx.session?.externalKey;
  if (!bag || !id || !isStoredSession(bag)) return null;
  // A bag with tokens was filled in this request (a sign-in); otherwise it mirrors the loaded record.
  if (typeof bag.tokens === 'string') return { key: storeKeyFor(id), session: bag };
  const entry = loaded.get(ctx);
  return entry && entry.id === id ? { key: entry.key, session: entry.record } : null;
}

/** The browser behind this request's cookie (its accounts), or null without a live session. */
export function currentBrowser(ctx: ParameterizedContext): Browser | null {
  const current = currentSession(ctx);
  if (!current) return null;
  const entry = loaded.get(ctx);
  const accounts = entry && entry.key === current.key ? entry.browser.accounts : null;
  return { ...current, accounts };
}

/**
 * Sets the session cookie to a browser's new value (a sign-in that adds an account) with the attributes
 * koa-session gives it; the bag is left alone, so koa-session writes nothing more.
 */
export function setSessionCookie(
  ctx: ParameterizedContext,
  config: Config,
  id: string,
  maxAgeMs: number,
): void {
  ctx.cookies.set(config.session.cookieName, id, {
    maxAge: maxAgeMs,
    httpOnly: true,
    secure: config.cookieSecure,
    sameSite: config.session.sameSite,
    signed: false,
    overwrite: true,
    path: '/',
  });
}
