import type { Middleware } from 'koa';
import { toSessionInfo } from '../session/lifetime.ts';
import type { SessionState } from './require-session.ts';

/** `GET /api/session`: who is signed in, with which provider, until when. */
export const getSession: Middleware<SessionState> = (ctx) => {
  ctx.body = toSessionInfo(ctx.state.auth.session);
};
