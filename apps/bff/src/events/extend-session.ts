import type { Middleware } from 'koa';
import type { AppDeps } from '../deps.ts';
import { unauthenticated } from '../http/errors.ts';
import { toSessionInfo } from '../session/lifetime.ts';
import { currentSession } from '../session/session-cookie.ts';
import { sessionChanged, type SessionEventBus } from './session-event.ts';

/**
 * `POST /api/session/extend` ("Stay signed in"): slides the idle expiry now, whatever the touch interval, tells
 * the session's open streams, and answers the `SessionInfo` with `idleTimeoutSeconds`. Never past the absolute
 * expiry.
 */
export function extendSession(deps: AppDeps & { events: SessionEventBus }): Middleware {
  const { store, clock, config, events } = deps;
  return async (ctx) => {
    const current = currentSession(ctx);
    if (!current) throw unauthenticated();
    const now = clock();
    const update = {
      lastSeenAt: now,
      idleExpiresAt: Math.min(now + config.session.idleTimeoutMs, current.session.absoluteExpiresAt),
    };
    if (!(await store.touch(current.key, update))) throw unauthenticated();
    const info = toSessionInfo({ ...current.session, ...update });
    await events.publish(current.key, sessionChanged(info));
    ctx.body = { ...info, idleTimeoutSeconds: Math.round(config.session.idleTimeoutMs / 1000) };
  };
}
