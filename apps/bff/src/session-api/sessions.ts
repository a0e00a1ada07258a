import type { SessionSummary } from '@gatehouse/shared';
import type { Middleware } from 'koa';
import type { AppDeps } from '../deps.ts';
import { revokeAtProvider } from '../sign-in/token-revocation.ts';
import { sessionEnded } from '../events/session-event.ts';
import { notFound } from '../http/errors.ts';
import { currentBrowser } from '../session/session-cookie.ts';
import { leaveAccounts } from './accounts.ts';
import type { SessionState } from './require-session.ts';

const HANDLE = /^[A-Za-z0-9_-]{43}$/;

/** `GET /api/sessions`: the user's live sessions; `id` is the store key (a hash), never a cookie value. */
export function listSessions(deps: AppDeps): Middleware<SessionState> {
  return async (ctx) => {
    const { key, session } = ctx.state.auth;
    const sessions = await deps.store.listByUser(session.provider, session.user.sub);
    const body: SessionSummary[] = sessions.map(([id, s]) => ({
      id,
      current: id === key,
      createdAt: new Date(s.createdAt).toISOString(),
      lastSeenAt: new Date(id === key ? session.lastSeenAt : s.lastSeenAt).toISOString(),
      userAgent: s.userAgent,
      provider: s.provider,
    }));
    ctx.body = body;
  };
}

/** `DELETE /api/sessions/:id`: revokes one of the user's own sessions; anyone else's handle is a 404. */
export function revokeSession(deps: AppDeps): Middleware<SessionState> {
  return async (ctx) => {
    const id = (ctx.params as { id?: string }).id ?? '';
    const { key, session } = ctx.state.auth;
    if (!HANDLE.test(id)) throw notFound('No such session.');
    const own = await deps.store.listByUser(session.provider, session.user.sub);
    const revoked = own.find(([handle]) => handle === id);
    if (!revoked) throw notFound('No such session.');
    await deps.store.destroy(id);
    await deps.events?.publish(id, sessionEnded('revoked'));
    // This browser's own session: its other accounts stay.
    if (id === key) await leaveAccounts(ctx, deps, currentBrowser(ctx), [id]);
    void revokeAtProvider(deps, revoked[1]);
    ctx.status = 204;
  };
}

/** `DELETE /api/sessions`: signs the user out everywhere (the browser's other accounts stay). */
export function revokeAllSessions(deps: AppDeps): Middleware<SessionState> {
  return async (ctx) => {
    const { session } = ctx.state.auth;
    const own = await deps.store.listByUser(session.provider, session.user.sub);
    // Each open tab is told as soon as its own session is gone, not after the last one.
    await Promise.all(
      own.map(async ([handle]) => {
        await deps.store.destroy(handle);
        await deps.events?.publish(handle, sessionEnded('revoked'));
      }),
    );
    await leaveAccounts(
      ctx,
      deps,
      currentBrowser(ctx),
      own.map(([handle]) => handle),
    );
    for (const [, ended] of own) void revokeAtProvider(deps, ended);
    ctx.status = 204;
  };
}
