import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import {
  answerClientError,
  createApp,
  createLogger,
  createMetrics,
  createMetricsServer,
  createStore,
  createTokenCipher,
  hashBinding,
  instrumentStore,
  listenMetrics,
  loadProvidersFile,
  parseConfig,
  ProviderRegistry,
  resolveEncryptionKeys,
} from '../gatehouse/bff.ts';
import {
  CALLBACK_CODE_VERIFIER,
  CALLBACK_NONCE,
  CLIENT_ID,
  CLIENT_SECRET,
  PROVIDER_NAME,
  SCOPES,
  SPA_ORIGIN,
} from '../fixtures/oidc.ts';
import { perUserSessionId, realisticSession, seedSessions } from '../fixtures/sessions.ts';
import { childOptions, listenOnLoopback, serveParent } from './child.ts';

/**
 * The server under test: the real BFF, wired as `apps/bff/src/server.ts` wires it (configuration parsed from an
 * environment, a providers file, the real store, cipher, provider registry and logger), then `createApp`. Its
 * store is seeded with `sessions` realistic sessions before it says ready.
 */
export interface GatehouseOptions {
  store: 'memory' | 'file' | 'redis';
  logLevel: string;
  /** The local OpenID provider. */
  issuer: string;
  /** The proxied API `notes` points here. */
  upstream: string;
  sessions: number;
  redisUrl: string;
  /**
   * A Redis beyond one server (`REDIS_SENTINELS`, `REDIS_CLUSTER_NODES`, `REDIS_WAIT_REPLICAS`...), in place of
   * `redisUrl`.
   */
  redisTopology?: Record<string, string>;
  redisKeyPrefix: string;
  /** A private directory for the providers file and the file store. */
  workDir: string;
  /** Prometheus metrics recorded and served on a listener of their own, as `METRICS_PORT` makes server.ts do. */
  metrics?: boolean;
}

export interface GatehouseInfo {
  cookieName: string;
  bindingCookieName: string;
  sessionIds: string[];
}

/** `seedTransactions`: login transactions for the callback scenario, as `/auth/login` would have stored them. */
export interface SeedTransactions {
  /** States are `<prefix><n zero-padded to width>`, n = 1..count. */
  prefix: string;
  width: number;
  count: number;
}

/** The browser-binding cookie every seeded transaction is bound to. */
export interface SeededTransactions {
  bindingCookie: string;
}

const options = childOptions<GatehouseOptions>();
const providersFile = join(options.workDir, `providers-${options.store}-${process.pid}.json`);
writeFileSync(
  providersFile,
  JSON.stringify({
    providers: [
      {
        name: PROVIDER_NAME,
        label: 'Bench OP',
        issuer: options.issuer,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        scopes: SCOPES,
        allowInsecureHttp: true,
      },
    ],
    apis: [
      {
        name: 'notes',
        baseUrl: `${options.upstream}/notes`,
        provider: PROVIDER_NAME,
        methods: ['GET'],
        allowInsecureHttp: true,
      },
    ],
  }),
);

const server = createServer({ maxHeaderSize: 16 * 1024, requestTimeout: 30_000 });
server.keepAliveTimeout = 65_000;
server.on('clientError', answerClientError);
const port = await listenOnLoopback(server);

const env: Record<string, string> = {
  NODE_ENV: 'production',
  PUBLIC_BFF_URL: `http://127.0.0.1:${port}`,
  SPA_ORIGINS: SPA_ORIGIN,
  SESSION_STORE: options.store,
  SESSION_FILE: join(options.workDir, `sessions-${process.pid}.sqlite`),
  ...(options.redisTopology ?? { REDIS_URL: options.redisUrl }),
  REDIS_KEY_PREFIX: options.redisKeyPrefix,
  SESSION_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
  LOG_LEVEL: options.logLevel,
  PROVIDERS_FILE: providersFile,
  // One client address sends every login here: the limiter counts each request but never refuses one.
  RATE_LIMIT_LOGIN_PER_MINUTE: String(1_000_000_000),
};
const config = parseConfig(env);
const logger = createLogger(config.logLevel);
const file = loadProvidersFile(providersFile, env);
const cipher = createTokenCipher(resolveEncryptionKeys(config));
const clock = (): number => Date.now();
const metrics = options.metrics ? createMetrics() : undefined;
const plainStore = createStore(config, clock, logger);
const store = metrics ? instrumentStore(plainStore, metrics) : plainStore;
const metricsServer = metrics ? createMetricsServer(metrics) : null;
if (metricsServer) await listenMetrics(metricsServer, 0, '127.0.0.1');
const providers = ProviderRegistry.create(file.providers, { logger });
await providers.warmUp();
if (!providers.default.available) throw new Error(`the provider at ${options.issuer} is not available`);
server.on(
  'request',
  createApp({ config, store, providers, apis: file.apis, cipher, logger, clock, metrics }).callback(),
);

const sessionIds = await seedSessions(
  store,
  options.sessions,
  (index) =>
    realisticSession(index, {
      cipher,
      policy: config.session,
      issuer: options.issuer,
      audience: options.upstream,
      now: clock(),
    }),
  options.redisTopology?.REDIS_CLUSTER_NODES ? perUserSessionId : undefined,
);

const binding = randomBytes(32).toString('base64url');
const bindingCookieName = `${config.session.cookieName}-login`;

async function seedTransactions(params: unknown): Promise<SeededTransactions> {
  const { prefix, width, count } = params as SeedTransactions;
  const now = clock();
  for (let n = 1; n <= count; n++) {
    await store.putTransaction(
      `${prefix}${String(n).padStart(width, '0')}`,
      {
        provider: PROVIDER_NAME,
        browserBinding: hashBinding(binding),
        codeVerifier: CALLBACK_CODE_VERIFIER,
        nonce: CALLBACK_NONCE,
        returnTo: `${SPA_ORIGIN}/dashboard`,
        createdAt: now,
      },
      now + config.loginTransactionTtlMs,
    );
  }
  return { bindingCookie: `${bindingCookieName}=${binding}` };
}

serveParent(
  port,
  { cookieName: config.session.cookieName, bindingCookieName, sessionIds } satisfies GatehouseInfo,
  { seedTransactions },
  async () => {
    server.closeAllConnections();
    server.close();
    metricsServer?.close();
    await store.close();
  },
);
