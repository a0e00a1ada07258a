import type { Middleware } from 'koa';
import type { SessionStore } from '../store/store.ts';
import { storeUnavailable } from './errors.ts';

export const healthz: Middleware = (ctx) => {
  ctx.body = { status: 'ok' };
};

/** Ready only while the session store answers: a load balancer then stops sending traffic here. */
export function readyz(store: SessionStore): Middleware {
  return async (ctx) => {
    try {
      await store.ping();
    } catch {
      throw storeUnavailable();
    }
    ctx.body = { status: 'ready', store: store.kind };
  };
}
