import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import type { ClientRegistration, CookieJar as IdpCookieJar, StartIdpOptions } from '@gatehouse/idp';
import { firstPartyClient, signInAtIdp, startIdp } from '@gatehouse/idp';
import { createApp } from '../../src/app.ts';
import { parseConfig, type Config } from '../../src/config/env.ts';
import { defaultProviders, type ApiConfig, type ProviderConfig } from '../../src/config/providers-file.ts';
import type { AppDeps } from '../../src/deps.ts';
import type { StreamRegistry } from '../../src/events/stream-registry.ts';
import { answerClientError } from '../../src/http/client-error.ts';
import { createLogger } from '../../src/logger.ts';
import { instrumentStore } from '../../src/observability/instrumented-store.ts';
import type { Metrics } from '../../src/observability/metrics.ts';
import { traceStore } from '../../src/observability/tracing.ts';
import { ProviderRegistry } from '../../src/providers/provider.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import type { SessionStore } from '../../src/store/store.ts';
import { createTokenCipher, type EncryptionKey } from '../../src/tokens/token-cipher.ts';
import { TestClock } from './clock.ts';
import type { CookieJar } from './cookie-jar.ts';

export const SPA_ORIGIN = 'http://localhost:5173';

/** Everything the BFF logged, as parsed JSON lines, so tests can search it for secrets. */
export class LogSink extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

export interface IdpHandle {
  issuer: string;
  /** The oidc-provider instance, to listen to its events (e.g. count token grants). */
  provider?: { on(event: string, listener: (ctx: unknown) => void): unknown };
  close(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  store?: (clock: TestClock) => SessionStore | Promise<SessionStore>;
  /** Reuse an IdP (and its sessions) across BFF instances, e.g. to restart the BFF. */
  idp?: IdpHandle;
  port?: number;
  providers?: (idpIssuer: string, config: Config) => ProviderConfig[];
  apis?: ApiConfig[];
  /** Token-sealing keys, first one sealing (default: one fixed test key). */
  encryptionKeys?: EncryptionKey[];
  accessTokenTtl?: number;
  /** Record Prometheus metrics (and time the store) as `server.ts` does when `METRICS_PORT` is set. */
  metrics?: Metrics;
  /** Share the login rate limit on this Redis connection, as `server.ts` does with `SESSION_STORE=redis`. */
  rateLimitRedis?: Redis;
  /** Spans for requests, sign-in, proxy and store calls, into whatever tracer provider the test registered. */
  tracing?: boolean;
  /** Further clients registered at the harness's own IdP (PAR, private_key_jwt), given the BFF's URL. */
  idpClients?: (bffUrl: string) => ClientRegistration[];
  /** How the BFF reads the provider's clock (`iat`, `auth_time`); real time by default. */
  providerClock?: () => number;
  /** The app's event stream registry, for a test to end its streams as a shutdown does. */
  streams?: StreamRegistry;
  /** Options of the harness's own IdP beyond its clients. */
  idpOptions?: Pick<StartIdpOptions, 'requirePushedAuthorizationRequests' | 'apiAudience'>;
}

export interface Harness {
  bffUrl: string;
  idp: IdpHandle;
  config: Config;
  deps: AppDeps;
  clock: TestClock;
  logs: LogSink;
  /** A request to the BFF with the jar's cookies; redirects are never followed. */
  request(path: string, init?: RequestInit & { jar?: CookieJar }): Promise<Response>;
  /** The whole code flow as a browser would run it; answers the callback's response. */
  signIn(
    jar: CookieJar,
    options?: {
      user?: string;
      password?: string;
      returnTo?: string;
      provider?: string;
      idpJar?: IdpCookieJar;
    },
  ): Promise<Response>;
  /** Stops the BFF (and the IdP, when the harness started it). */
  close(options?: { keepStore?: boolean; keepIdp?: boolean }): Promise<void>;
}

const TEST_KEY = randomBytes(32);

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const server: Server = createServer();
  server.on('clientError', answerClientError);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const bffUrl = `http://localhost:${port}`;

  const ownIdp = !options.idp;
  const idp: IdpHandle =
    options.idp ??
    (await startIdp({
      port: 0,
      clients: [idpClient(bffUrl), ...(options.idpClients?.(bffUrl) ?? [])],
      ...options.idpOptions,
      ...(options.accessTokenTtl ? { accessTokenTtl: options.accessTokenTtl } : {}),
    }));

  const config = parseConfig({
    PUBLIC_BFF_URL: bffUrl,
    SPA_ORIGINS: SPA_ORIGIN,
    SESSION_STORE: 'memory',
    LOG_LEVEL: 'debug',
    SESSION_TOUCH_INTERVAL: '0',
    // Tests sign in many times a minute from one address; test/security/rate-limit.test.ts sets its own limit.
    RATE_LIMIT_LOGIN_PER_MINUTE: '100000',
    ...options.env,
  });
  const clock = new TestClock();
  const logs = new LogSink();
  const logger = createLogger('debug', logs);
  const plainStore = options.store ? await options.store(clock) : createMemoryStore({ clock: clock.now });
  const timedStore = options.metrics ? instrumentStore(plainStore, options.metrics) : plainStore;
  const store = options.tracing ? traceStore(timedStore) : timedStore;
  const providerConfigs = options.providers
    ? options.providers(idp.issuer, config)
    : defaultProviders({ idpPort: 0, ...config.devClient }).map((p) => ({ ...p, issuer: idp.issuer }));
  const providers = ProviderRegistry.create(providerConfigs, { logger, retryDelayMs: 0 });
  await providers.warmUp();
  const deps: AppDeps = {
    config,
    store,
    providers,
    apis: options.apis ?? [],
    cipher: createTokenCipher(options.encryptionKeys ?? [{ id: 'test', key: TEST_KEY }]),
    logger,
    clock: clock.now,
    ...(options.providerClock ? { providerClock: options.providerClock } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.rateLimitRedis ? { rateLimitRedis: options.rateLimitRedis } : {}),
    ...(options.tracing ? { tracing: true } : {}),
    ...(options.streams ? { streams: options.streams } : {}),
  };
  server.on('request', createApp(deps).callback());

  const request = (path: string, init: RequestInit & { jar?: CookieJar } = {}): Promise<Response> => {
    const { jar, headers, ...rest } = init;
    const merged = new Headers(headers);
    if (jar && jar.cookies.size > 0 && !merged.has('cookie')) merged.set('cookie', jar.header());
    return fetch(new URL(path, bffUrl), { ...rest, headers: merged, redirect: 'manual' }).then((response) => {
      jar?.store(response);
      return response;
    });
  };

  const signIn: Harness['signIn'] = async (jar, signInOptions = {}) => {
    const query = new URLSearchParams();
    if (signInOptions.provider) query.set('provider', signInOptions.provider);
    if (signInOptions.returnTo !== undefined) query.set('returnTo', signInOptions.returnTo);
    const login = await request(`/auth/login?${query}`, { jar });
    if (login.status !== 302) throw new Error(`login answered ${login.status}: ${await login.text()}`);
    const { redirectUrl } = await signInAtIdp(
      login.headers.get('location')!,
      signInOptions.user ?? 'alice',
      signInOptions.password ?? 'wonderland',
      signInOptions.idpJar,
    );
    const callbackUrl = new URL(redirectUrl);
    return request(`${callbackUrl.pathname}${callbackUrl.search}`, { jar });
  };

  return {
    bffUrl,
    idp,
    config,
    deps,
    clock,
    logs,
    request,
    signIn,
    async close(closeOptions = {}) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (!closeOptions.keepStore) await store.close();
      if (ownIdp && !closeOptions.keepIdp) await idp.close();
    },
  };
}

export function idpClient(bffUrl: string) {
  return firstPartyClient({
    clientId: 'gatehouse',
    clientSecret: 'gatehouse-dev-secret',
    publicBffUrl: bffUrl,
    spaOrigins: [SPA_ORIGIN],
  });
}

export const csrfHeaders = { 'X-CSRF': '1' } as const;

/** The session cookie the BFF set, by the harness's configured name. */
export function sessionCookieOf(harness: Harness, jar: CookieJar): string | undefined {
  return jar.cookies.get(harness.config.session.cookieName);
}
