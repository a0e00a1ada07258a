import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import {
  answerClientError,
  createApp,
  createLogger,
  createMemoryStore,
  createTokenCipher,
  parseConfig,
  ProviderRegistry,
} from '../gatehouse/bff.ts';
import { SPA_ORIGIN } from '../fixtures/oidc.ts';
import { realisticSession, seedSessions } from '../fixtures/sessions.ts';
import { childOptions, listenOnLoopback, serveParent } from '../servers/child.ts';

/**
 * The BFF serving `GET /api/session/events`, in a process of its own (`--expose-gc`) so that its memory can be
 * read alone: `sessions` realistic sessions of one user in the memory store, the cookies handed to the parent,
 * which opens the streams and signs the user out everywhere.
 */
export interface StreamServerOptions {
  sessions: number;
}

export interface StreamServerInfo {
  cookieName: string;
  cookies: string[];
}

export interface HeapFigures {
  /** `heapUsed + external` after full collections, in bytes. */
  bytes: number;
}

const { sessions } = childOptions<StreamServerOptions>();
const config = parseConfig({
  SESSION_STORE: 'memory',
  SPA_ORIGINS: SPA_ORIGIN,
  LOG_LEVEL: 'silent',
  SESSION_EVENTS_MAX_STREAMS: String(sessions + 16),
});
const clock = (): number => Date.now();
const logger = createLogger('silent');
const cipher = createTokenCipher([{ id: 'bench', key: randomBytes(32) }]);
const store = createMemoryStore({ clock });
const now = clock();
// Every session is the same user's (user 0): one sign-out everywhere ends them all.
const cookies = await seedSessions(store, sessions, () =>
  realisticSession(0, {
    cipher,
    policy: config.session,
    issuer: 'http://127.0.0.1:4000',
    audience: 'http://127.0.0.1/notes',
    now,
  }),
);
const app = createApp({
  config,
  store,
  providers: ProviderRegistry.create([], { logger }),
  apis: [],
  cipher,
  logger,
  clock,
});
const server = createServer(app.callback());
server.on('clientError', answerClientError);
const port = await listenOnLoopback(server);

const heap = (): HeapFigures => {
  if (!globalThis.gc) throw new Error('run with --expose-gc');
  for (let i = 0; i < 3; i++) globalThis.gc();
  const { heapUsed, external } = process.memoryUsage();
  return { bytes: heapUsed + external };
};

const info: StreamServerInfo = { cookieName: config.session.cookieName, cookies };
serveParent(port, info, { heap }, () => {
  server.closeAllConnections();
  server.close();
});
