import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  createMemoryStore,
  createTokenCipher,
  csrfRefusal,
  idleUpdateDue,
  isWellFormedSessionId,
  storeKeyFor,
  toSessionInfo,
} from '../gatehouse/bff.ts';
import { realisticSession, seedSessions } from '../fixtures/sessions.ts';
import { childOptions, listenOnLoopback, serveParent } from './child.ts';
import { cookieValue, gatehouseHeaders, referenceConfig } from './frameworkless.ts';
import type { GatehouseInfo } from './gatehouse.ts';

/**
 * A reference, not a product: `GET /api/session` answered with no framework at all — node:http, then Gatehouse's
 * own framework-free pieces (the CSRF rule, the SHA-256 store key, the memory store, the idle-expiry check, the
 * answer's JSON and every header Gatehouse sends). What Koa, koa-session, @koa/router and @koa/cors add to the
 * route is the difference between this and Gatehouse; what is left between this and raw node:http is the
 * route's own work, which no choice of framework removes.
 */
export interface FrameworklessOptions {
  sessions: number;
  issuer: string;
  audience: string;
}

export type FrameworklessInfo = Pick<GatehouseInfo, 'cookieName' | 'sessionIds'>;

const { session: policy, spaOrigins: origins } = referenceConfig();
const { cookieName } = policy;
const options = childOptions<FrameworklessOptions>();
const clock = (): number => Date.now();
const store = createMemoryStore({ clock });
const cipher = createTokenCipher([{ id: 'bench', key: randomBytes(32) }]);

function answer(res: ServerResponse, status: number, headers: string[], body: unknown): void {
  const json = JSON.stringify(body);
  headers.push(
    'Content-Type',
    'application/json; charset=utf-8',
    'Content-Length',
    String(Buffer.byteLength(json)),
  );
  res.writeHead(status, headers).end(json);
}

async function getSession(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const headers = gatehouseHeaders();
  const origin = req.headers.origin;
  if (origin && origins.includes(origin)) {
    headers.push('Access-Control-Allow-Origin', origin, 'Access-Control-Allow-Credentials', 'true');
  }
  const header = (name: string): string => {
    const value = req.headers[name];
    return typeof value === 'string' ? value : '';
  };
  const refusal = csrfRefusal(header, origins);
  if (refusal) return answer(res, 403, headers, { error: 'csrf', message: refusal });

  const id = cookieValue(req.headers.cookie, cookieName);
  const key = isWellFormedSessionId(id) ? storeKeyFor(id) : null;
  let session = key ? await store.get(key) : null;
  const update = session && idleUpdateDue(session, clock(), policy);
  if (key && session && update) session = (await store.touch(key, update)) ? { ...session, ...update } : null;
  if (!session) return answer(res, 401, headers, { error: 'unauthenticated', message: 'Sign in first.' });
  answer(res, 200, headers, toSessionInfo(session));
}

const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  getSession(req, res).catch(() => {
    if (!res.headersSent) res.writeHead(503).end();
  });
});
const port = await listenOnLoopback(server);
const sessionIds = await seedSessions(store, options.sessions, (index) =>
  realisticSession(index, {
    cipher,
    policy,
    issuer: options.issuer,
    audience: options.audience,
    now: clock(),
  }),
);
serveParent(port, { cookieName, sessionIds } satisfies FrameworklessInfo, {}, async () => {
  server.closeAllConnections();
  server.close();
  await store.close();
});
