import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SessionInfo } from '@gatehouse/shared';
import type { Middleware } from 'koa';
import type { AppDeps } from '../deps.ts';
import { NO_STORE_HEADERS, securityHeaderList } from '../security/headers.ts';
import { toSessionInfo } from '../session/lifetime.ts';
import { resolveBrowser } from '../sign-in/browser-accounts.ts';
import { admitEventStream, type Admission } from './stream-admission.ts';
import { sessionEnded, type SessionEvent, type SessionEventBus } from './session-event.ts';
import type { RegisteredStream, StreamRegistry } from './stream-registry.ts';

export interface EventStreamDeps extends AppDeps {
  events: SessionEventBus;
}

export const EVENTS_PATH = '/api/session/events';

/**
 * `GET /api/session/events`: Server-Sent Events for the signed-in browser. The stream opens with the session as
 * it is, then says `session` when it changes and `ended` (with why) when it ends, and closes. Watching is not
 * activity: nothing here slides the idle expiry.
 *
 * A stream stays open for hours, so an admitted one is served on node's request and response alone, outside
 * Koa: a Koa context, its middleware's state and the header rope of a Koa answer would live as long as the
 * stream, about twice what the stream itself costs (bench: event-streams). Refusals go through Koa
 * (`eventStreamRoute`), so their JSON errors come from the one error handler.
 */
export function createEventStreams(deps: EventStreamDeps, registry: StreamRegistry) {
  const { config, store, events, logger } = deps;
  const idleTimeoutSeconds = Math.round(config.session.idleTimeoutMs / 1000);
  const withTimeout = (session: SessionInfo): SessionInfo => ({ ...session, idleTimeoutSeconds });
  const endOf = (session: SessionInfo): number =>
    Math.min(Date.parse(session.idleExpiresAt), Date.parse(session.expiresAt));
  const baseHeaders: Array<[string, string]> = [
    ...securityHeaderList({ hsts: config.publicUrl.startsWith('https:') }),
    ...NO_STORE_HEADERS,
    ['Content-Type', 'text/event-stream; charset=utf-8'],
    // Proxies must not buffer it (nginx honours X-Accel-Buffering).
    ['X-Accel-Buffering', 'no'],
    ['Access-Control-Allow-Credentials', 'true'],
    ['Vary', 'Origin'],
  ].map(([name, value]) => [name!, value!]);

  function serve(origin: string, admitted: Extract<Admission, { ok: true }>, res: ServerResponse): void {
    // The session watched, and the browser's accounts record: both change when the browser switches account.
    let key = admitted.key;
    let accountsKey = admitted.accountsKey;
    let info = toSessionInfo(admitted.session);
    let closed = false;
    let checking = false;

    const send = (event: SessionEvent): void => {
      if (closed) return;
      if (event.type === 'account') return;
      const data = event.type === 'session' ? withTimeout(event.session) : { reason: event.reason };
      res.write(`event: ${event.type}\ndata: ${JSON.stringify(data)}\n\n`);
    };

    const stream: RegisteredStream = {
      key: admitted.key,
      endsAt: endOf(info),
      checkExpiry() {
        if (checking || closed) return;
        checking = true;
        store.get(key).then(
          (session) => {
            checking = false;
            if (!session) return ended(sessionEnded('expired'));
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
      end(reconnectAfterMs) {
        if (closed) return;
        // `retry` sets the delay of an EventSource's reconnect, which the load balancer sends to a replica
        // that is not shutting down. Not an `ended` event: the session goes on.
        res.write(`retry: ${reconnectAfterMs}\n\n`);
        cleanup();
        res.end();
      },
    };

    function onEvent(event: SessionEvent): void {
      if (event.type === 'ended') return ended(event);
      if (event.type === 'account') return follow(event.key, event.accountsKey, event.session);
      info = event.session;
      stream.endsAt = endOf(info);
      send(event);
    }

    /** The browser acts as another of its accounts now: the stream watches that session and says so. */
    function follow(next: string, nextAccountsKey: string, session: SessionInfo): void {
      if (closed) return;
      if (next !== key) {
        unsubscribe();
        key = next;
        unsubscribe = events.subscribe(key, onEvent);
      }
      if (nextAccountsKey !== accountsKey) {
        unsubscribeAccounts();
        accountsKey = nextAccountsKey;
        unsubscribeAccounts = events.subscribe(accountsKey, onEvent);
      }
      onEvent({ type: 'session', session });
    }

    /** The watched session ended; a browser with other accounts goes on as the one that is active now. */
    function ended(event: SessionEvent): void {
      if (!accountsKey || closed) return finish(event);
      const from = accountsKey;
      resolveBrowser(store, from).then(
        (browser) => {
          if (browser?.accounts && browser.key !== key)
            follow(browser.key, from, toSessionInfo(browser.session));
          else finish(event);
        },
        () => finish(event),
      );
    }

    function finish(event: SessionEvent): void {
      send(event);
      cleanup();
      res.end();
    }

    let unsubscribe = events.subscribe(key, onEvent);
    let unsubscribeAccounts = accountsKey ? events.subscribe(accountsKey, onEvent) : () => {};
    const unregister = registry.add(stream);
    function cleanup(): void {
      if (closed) return;
      closed = true;
      unsubscribe();
      unsubscribeAccounts();
      unregister();
    }
    res.once('close', cleanup);
    res.socket?.setNoDelay(true);
    res.socket?.setKeepAlive(true);
    res.writeHead(200, [...baseHeaders, ['Access-Control-Allow-Origin', origin]].flat());
    send({ type: 'session', session: info });
    // Node keeps the header block for the life of the response as a rope of small strings (one per piece it
    // concatenated); reading one character flattens it into one string, some 1.5 kB less per open stream.
    (res as { _header?: string | null })._header?.charCodeAt(0);
  }

  const admit = (req: IncomingMessage) =>
    admitEventStream(deps, registry, { origin: req.headers.origin, cookie: req.headers.cookie });

  return {
    /** Node-level: serves an admitted stream and answers true; false leaves the request to Koa. */
    async tryServe(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== EVENTS_PATH) return false;
      let admitted: Admission;
      try {
        admitted = await admit(req);
      } catch {
        return false; // the store failed: Koa answers 503 through the error handler
      }
      if (!admitted.ok) return false;
      try {
        serve(req.headers.origin!, admitted, res);
      } catch (error) {
        // Nothing else may answer once the headers went out: the browser's EventSource reconnects.
        logger.warn({ errorName: (error as Error).name }, 'session events: stream failed');
        res.destroy();
      }
      return true;
    },

    /** The Koa route, for what `tryServe` leaves to Koa: its refusal becomes the contract's JSON error. */
    route: (async (ctx) => {
      const admitted = await admit(ctx.req);
      if (!admitted.ok) throw admitted.error;
      // Admitted on a second look (a stream closed meanwhile): served all the same.
      ctx.respond = false;
      serve(ctx.get('origin'), admitted, ctx.res);
    }) satisfies Middleware,
  };
}
