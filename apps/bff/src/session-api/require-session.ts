import type { Middleware } from 'koa';
import type { AppDeps } from '../deps.ts';
import { unauthenticated } from '../http/errors.ts';
import { sessionChanged } from '../events/session-event.ts';
import { idleUpdateDue, toSessionInfo } from '../session/lifetime.ts';
import { currentSession } from '../session/session-cookie.ts';
import type { StoredSession } from '../store/store.ts';

export interface SessionState {
  auth: { key: string; session: StoredSession };
}

/**
 * 401 without a live session. Slides the idle expiry at most once per touch interval (`?slide=false` checks
 * without extending); a session revoked meanwhile on another replica is refused here.
 */
export function requireSession(deps: AppDeps): Middleware<SessionState> {
  const { store, clock, config } = deps;
  return async (ctx, next) => {
    const current = currentSession(ctx);
    if (!current) throw unauthenticated();
    let session = current.session;
    const update = ctx.query.slide === 'false' ? null : idleUpdateDue(session, clock(), config.session);
    if (update) {
      if (!(await store.touch(current.key, update))) throw unauthenticated();
      session = { ...session, ...update };
      void deps.events?.publish(current.key, sessionChanged(toSessionInfo(session)));
    }
    ctx.state.auth = { key: current.key, session };
    await next();
  };
}
