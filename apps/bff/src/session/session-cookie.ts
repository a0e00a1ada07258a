import type { Middleware, ParameterizedContext } from 'koa';
import type { Config } from '../config/env.ts';
import { isWellFormedSessionId, newSessionId, storeKeyFor } from './keys.ts';
import type { SessionStore, StoredSession } from './store.ts';

/**
 * The session cookie: it carries only an opaque 256-bit id; the store is keyed by its SHA-256, so neither a store
 * dump nor the session list reveals a usable cookie value.
 *
 * `sessionCookie` reads the cookie's session from the store once per request; handlers see it through
 * `currentSession`, replace it at sign-in with `startSession` (a new id, the old session destroyed: no fixation)
 * and end it with `endSession`. Nothing else is ever written back: the idle slide is the store's `touch`, and a
 * token refresh its `update`, neither of which can bring back a session another replica revoked.
 *
 * (This replaced koa-session, which serialised and CRC-hashed the whole ~3 KB session twice per request to
 * detect changes that never happen here: a quarter of the CPU of `GET /api/session`, see bench/RESULTS.md.)
 */

interface Slot {
  current: { key: string; session: StoredSession } | null;
  start(session: StoredSession): Promise<void>;
  end(): Promise<void>;
}

const SLOT = Symbol('gatehouse.session');
type SlotState = { [SLOT]?: Slot };

function slotOf(ctx: ParameterizedContext): Slot {
  const slot = (ctx.state as SlotState)[SLOT];
  if (!slot) throw new Error('sessionCookie() must run before this handler');
  return slot;
}

export function sessionCookie(config: Config, store: SessionStore): Middleware {
  const name = config.session.cookieName;
  const attributes = {
    httpOnly: true,
    secure: config.cookieSecure,
    sameSite: config.session.sameSite,
    path: '/',
    signed: false,
    overwrite: true,
  } as const;

  return async (ctx, next) => {
    const id = ctx.cookies.get(name);
    const key = isWellFormedSessionId(id) ? storeKeyFor(id) : null;
    const session = key ? await store.get(key) : null;
    const slot: Slot = {
      current: key && session ? { key, session } : null,
      async end() {
        const ending = slot.current;
        slot.current = null;
        if (ending) await store.destroy(ending.key);
        // A __Host- cookie is only cleared by one with the same attributes.
        ctx.cookies.set(name, '', { ...attributes, expires: new Date(0), maxAge: undefined });
      },
      async start(next) {
        if (slot.current) await store.destroy(slot.current.key);
        const newId = newSessionId();
        const newKey = storeKeyFor(newId);
        await store.set(newKey, next);
        slot.current = { key: newKey, session: next };
        ctx.cookies.set(name, newId, { ...attributes, maxAge: config.session.absoluteTimeoutMs });
      },
    };
    (ctx.state as SlotState)[SLOT] = slot;
    await next();
  };
}

/** The live session behind this request's cookie, or null. */
export function currentSession(ctx: ParameterizedContext): { key: string; session: StoredSession } | null {
  return slotOf(ctx).current;
}

/** Sign-in: the browser's session (if any) is destroyed and `session` stored under a brand-new id. */
export function startSession(ctx: ParameterizedContext, session: StoredSession): Promise<void> {
  return slotOf(ctx).start(session);
}

/** Logout or revocation of the current session: gone from the store, cookie cleared. */
export function endSession(ctx: ParameterizedContext): Promise<void> {
  return slotOf(ctx).end();
}
