import type { SessionInfo } from '@gatehouse/shared';
import type { Middleware } from 'koa';
import type { AppDeps } from '../deps.ts';
import { csrfRejected, HttpError, unauthenticated } from '../http/errors.ts';
import { toSessionInfo } from '../session/lifetime.ts';
import { isWellFormedSessionId, storeKeyFor } from '../session/keys.ts';
import { sessionEnded, type SessionEvent, type SessionEventBus } from './session-event.ts';
import type { RegisteredStream, StreamRegistry } from './stream-registry.ts';

export interface EventStreamDeps extends AppDeps {
  events: SessionEventBus;
}

/**
 * `GET /api/session/events`: Server-Sent Events for the signed-in browser. `EventSource` cannot send the CSRF
 * header, so the Origin must be an allowed SPA origin. The stream opens with the session as it is, then says
 * `session` when it changes and `ended` (with why) when it ends, and closes. Reading the session here never
 * slides its idle expiry: watching is not activity.
 *
 * A stream stays open for hours, so it keeps as little as it can: it reads the cookie itself rather than through
 * koa-session (whose per-request state would live as long as the stream, sealed tokens included), and writes to
 * the raw response (`ctx.respond = false`) rather than through a stream Koa pipes.
 */
export function sessionEventStream(deps: EventStreamDeps, registry: StreamRegistry): Middleware {
  const { config, store, events, logger } = deps;
  const idleTimeoutSeconds = Math.round(config.session.idleTimeoutMs / 1000);
  const withTimeout = (session: SessionInfo): SessionInfo => ({ ...session, idleTimeoutSeconds });
  const endOf = (session: SessionInfo): number =>
    Math.min(Date.parse(session.idleExpiresAt), Date.parse(session.expiresAt));

  return async (ctx) => {
    const origin = ctx.get('origin');
    if (!origin || !config.spaOrigins.includes(origin)) {
      throw csrfRejected('The event stream opens only from an allowed SPA origin.');
    }
    const id = ctx.cookies.get(config.session.cookieName);
    if (!isWellFormedSessionId(id)) throw unauthenticated();
    const key = storeKeyFor(id);
    const record = await store.get(key);
    if (!record) throw unauthenticated();
    const refusal = registry.refusal(key);
    if (refusal) throw new HttpError(429, 'too_many_streams', refusal, { 'Retry-After': '30' });

    const res = ctx.res;
    let info = toSessionInfo(record);
    let closed = false;
    let checking = false;

    const send = (event: SessionEvent): void => {
      if (closed) return;
      const data = event.type === 'session' ? withTimeout(event.session) : { reason: event.reason };
      res.write(`event: ${event.type}\ndata: ${JSON.stringify(data)}\n\n`);
    };

    const stream: RegisteredStream = {
      key,
      endsAt: endOf(info),
      checkExpiry() {
        if (checking || closed) return;
        checking = true;
        store.get(key).then(
          (session) => {
            checking = false;
            if (!session) return finish(sessionEnded('expired'));
            const next = toSessionInfo(session);
            if (next.idleExpiresAt !== info.idleExpiresAt) onEvent({ type: 'session', session: next });
          },
          (error: unknown) => {
            checking = false; // the store is down: the next tick asks again
            logger.warn({ errorName: (error as Error).name }, 'session events: expiry check failed');
          },
        );
      },
      heartbeat() {
        if (!closed) res.write(': keep-alive\n\n');
      },
    };

    function onEvent(event: SessionEvent): void {
      if (event.type === 'ended') return finish(event);
      info = event.session;
      stream.endsAt = endOf(info);
      send(event);
    }

    function finish(event: SessionEvent): void {
      send(event);
      cleanup();
      res.end();
    }

    const unsubscribe = events.subscribe(key, onEvent);
    const unregister = registry.add(stream);
    function cleanup(): void {
      if (closed) return;
      closed = true;
      unsubscribe();
      unregister();
    }
    res.once('close', cleanup);

    ctx.req.socket.setNoDelay(true);
    ctx.req.socket.setKeepAlive(true);
    ctx.status = 200; // for the request log; the headers below are written now
    ctx.respond = false;
    // Proxies must neither cache nor buffer it (nginx honours X-Accel-Buffering). CORS headers are set already.
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Accel-Buffering': 'no',
    });
    send({ type: 'session', session: info });
  };
}
