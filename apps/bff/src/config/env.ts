import { z } from 'zod';
import { productionIssues } from './production-guard.ts';
import { hostPortList, redisTopology } from './redis-topology.ts';
import type { RedisTopology } from './redis-topology.ts';

/**
 * The operator's interface: every environment variable the BFF reads, parsed once at start-up.
 * Nothing else in the BFF reads `process.env` (enforced by lint).
 */

const port = z.coerce.number().int().min(0).max(65535);
const seconds = z.coerce.number().int().positive();
const origin = z.string().transform((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a URL` });
    return z.NEVER;
  }
  if (url.origin !== value.replace(/\/$/, '') || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    ctx.addIssue({ code: 'custom', message: `"${value}" must be an origin such as https://app.example.com` });
    return z.NEVER;
  }
  return url.origin;
});
const baseUrl = z.url({ protocol: /^https?$/ }).transform((value) => value.replace(/\/+$/, ''));
const flag = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  BFF_PORT: port.default(3000),
  BFF_HOST: z.string().min(1).optional(),
  SPA_PORT: port.default(5173),
  IDP_PORT: port.default(4000),
  API_PORT: port.default(4100),
  PUBLIC_BFF_URL: baseUrl.optional(),
  SPA_ORIGINS: z.string().optional(),
  SESSION_STORE: z.enum(['memory', 'file', 'redis']).default('file'),
  SESSION_FILE: z.string().min(1).default('.data/sessions.sqlite'),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  /** Redis beyond one server (config/redis-topology.ts): Sentinel or Cluster, instead of REDIS_URL. */
  REDIS_SENTINELS: hostPortList.optional(),
  REDIS_SENTINEL_NAME: z.string().min(1).default('mymaster'),
  REDIS_SENTINEL_PASSWORD: z.string().min(1).optional(),
  REDIS_CLUSTER_NODES: hostPortList.optional(),
  REDIS_USERNAME: z.string().min(1).optional(),
  REDIS_PASSWORD: z.string().min(1).optional(),
  REDIS_TLS: flag.optional(),
  REDIS_WAIT_REPLICAS: z.coerce.number().int().min(0).max(16).optional(),
  REDIS_KEY_PREFIX: z.string().default('gatehouse:'),
  REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().positive().default(500),
  SESSION_IDLE_TIMEOUT: seconds.default(1800),
  SESSION_ABSOLUTE_TIMEOUT: seconds.default(28800),
  SESSION_TOUCH_INTERVAL: z.coerce.number().int().min(0).default(60),
  SESSION_COOKIE_NAME: z
    .string()
    .regex(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/, 'must be a valid cookie name')
    .default('__Host-gatehouse'),
  SESSION_COOKIE_SAMESITE: z.enum(['lax', 'strict']).default('lax'),
  SESSION_ENCRYPTION_KEYS: z.string().min(1).optional(),
  /** Send cookies with `Secure`. Browsers keep Secure cookies on http://localhost, so this stays on in dev. */
  COOKIE_SECURE: flag.default(true),
  /** Behind a TLS-terminating proxy: trust `X-Forwarded-Proto`/`-For`. */
  TRUST_PROXY: flag.default(false),
  PROVIDERS_FILE: z.string().min(1).optional(),
  DEV_CLIENT_ID: z.string().min(1).default('gatehouse'),
  DEV_CLIENT_SECRET: z.string().min(1).default('gatehouse-dev-secret'),
  LOGIN_TRANSACTION_TTL: seconds.default(600),
  /** Requests per minute and client IP to each of /auth/login and /auth/callback (security/rate-limit.ts). */
  RATE_LIMIT_LOGIN_PER_MINUTE: z.coerce.number().int().positive().default(30),
  /** The largest request body accepted, in bytes; a larger declared body is a 413 (http/body-limit.ts). */
  MAX_BODY_BYTES: z.coerce.number().int().positive().default(10_485_760), // 10 MiB: proxied uploads too
  /** On SIGTERM, how long requests in flight (proxied streams too) may run before they are cut. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  /** OpenTelemetry traces go to this OTLP/HTTP endpoint (`<url>/v1/traces`); unset, tracing is off. */
  OTEL_EXPORTER_OTLP_ENDPOINT: baseUrl.optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default('gatehouse-bff'),
  /** Prometheus `GET /metrics` on a listener of its own; 0 turns metrics off (observability/metrics.ts). */
  METRICS_PORT: port.default(9464),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** Open `GET /api/session/events` streams per session (its tabs) and per replica; the heartbeat, seconds. */
  SESSION_EVENTS_MAX_PER_SESSION: z.coerce.number().int().positive().default(16),
  SESSION_EVENTS_MAX_STREAMS: z.coerce.number().int().positive().default(10_000),
  SESSION_EVENTS_HEARTBEAT: z.coerce.number().int().positive().default(25),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string | undefined;
  publicUrl: string;
  spaOrigins: string[];
  idpPort: number;
  apiPort: number;
  store: {
    kind: 'memory' | 'file' | 'redis';
    file: string;
    redisUrl: string;
    /** Where Redis is: one server (`redisUrl`), Sentinel or Cluster. */
    redis: RedisTopology;
    redisKeyPrefix: string;
    redisCommandTimeoutMs: number;
  };
  session: {
    idleTimeoutMs: number;
    absoluteTimeoutMs: number;
    touchIntervalMs: number;
    cookieName: string;
    sameSite: 'lax' | 'strict';
    encryptionKeys: string | undefined;
  };
  /** `GET /api/session/events` bounds (events/stream-registry.ts). */
  events: { maxPerSession: number; maxStreams: number; heartbeatMs: number };
  cookieSecure: boolean;
  trustProxy: boolean;
  providersFile: string | undefined;
  devClient: { clientId: string; clientSecret: string };
  loginTransactionTtlMs: number;
  rateLimitLoginPerMinute: number;
  maxBodyBytes: number;
  shutdownTimeoutMs: number;
  /** null unless `OTEL_EXPORTER_OTLP_ENDPOINT` is set. */
  tracing: { endpoint: string; serviceName: string } | null;
  /** null when `METRICS_PORT=0`. */
  metrics: { port: number; host: string } | null;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function issuesToMessage(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`)
    .join('\n');
}

/** Parses the environment; throws `ConfigError` naming every bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  // Empty strings mean "unset", as they do for most operators' tooling.
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) throw new ConfigError(`Invalid configuration:\n${issuesToMessage(parsed.error)}`);
  const e = parsed.data;

  const spaOriginsResult = z
    .array(origin)
    .min(1)
    .safeParse(
      (e.SPA_ORIGINS ?? `http://localhost:${e.SPA_PORT}`)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );
  if (!spaOriginsResult.success) {
    throw new ConfigError(
      `Invalid configuration:\nSPA_ORIGINS: ${spaOriginsResult.error.issues[0]?.message ?? 'invalid'}`,
    );
  }
  if (e.SESSION_ABSOLUTE_TIMEOUT < e.SESSION_IDLE_TIMEOUT) {
    throw new ConfigError(
      'Invalid configuration:\nSESSION_ABSOLUTE_TIMEOUT: must be at least SESSION_IDLE_TIMEOUT',
    );
  }
  if (e.SESSION_COOKIE_NAME.startsWith('__Host-') && !e.COOKIE_SECURE) {
    throw new ConfigError('Invalid configuration:\nCOOKIE_SECURE: a __Host- cookie must be Secure');
  }
  // NODE_ENV=production refuses insecure settings (config/production-guard.ts).
  const unsafe = productionIssues({
    env: e.NODE_ENV,
    publicUrl: e.PUBLIC_BFF_URL ?? `http://localhost:${e.BFF_PORT}`,
    spaOrigins: spaOriginsResult.data,
    cookieSecure: e.COOKIE_SECURE,
  });
  if (unsafe.length > 0) throw new ConfigError(`Invalid configuration:\n${unsafe.join('\n')}`);
  const redis = redisTopology(e, DEFAULT_REDIS_URL);
  if (typeof redis === 'string') throw new ConfigError(`Invalid configuration:\n${redis}`);

  return {
    env: e.NODE_ENV,
    port: e.BFF_PORT,
    host: e.BFF_HOST,
    publicUrl: e.PUBLIC_BFF_URL ?? `http://localhost:${e.BFF_PORT}`,
    spaOrigins: spaOriginsResult.data,
    idpPort: e.IDP_PORT,
    apiPort: e.API_PORT,
    store: {
      kind: e.SESSION_STORE,
      file: e.SESSION_FILE,
      redisUrl: e.REDIS_URL ?? DEFAULT_REDIS_URL,
      redis,
      redisKeyPrefix: e.REDIS_KEY_PREFIX,
      redisCommandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS,
    },
    session: {
      idleTimeoutMs: e.SESSION_IDLE_TIMEOUT * 1000,
      absoluteTimeoutMs: e.SESSION_ABSOLUTE_TIMEOUT * 1000,
      touchIntervalMs: e.SESSION_TOUCH_INTERVAL * 1000,
      cookieName: e.SESSION_COOKIE_NAME,
      sameSite: e.SESSION_COOKIE_SAMESITE,
      encryptionKeys: e.SESSION_ENCRYPTION_KEYS,
    },
    events: {
      maxPerSession: e.SESSION_EVENTS_MAX_PER_SESSION,
      maxStreams: e.SESSION_EVENTS_MAX_STREAMS,
      heartbeatMs: e.SESSION_EVENTS_HEARTBEAT * 1000,
    },
    cookieSecure: e.COOKIE_SECURE,
    trustProxy: e.TRUST_PROXY,
    providersFile: e.PROVIDERS_FILE,
    devClient: { clientId: e.DEV_CLIENT_ID, clientSecret: e.DEV_CLIENT_SECRET },
    loginTransactionTtlMs: e.LOGIN_TRANSACTION_TTL * 1000,
    rateLimitLoginPerMinute: e.RATE_LIMIT_LOGIN_PER_MINUTE,
    maxBodyBytes: e.MAX_BODY_BYTES,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    tracing: e.OTEL_EXPORTER_OTLP_ENDPOINT
      ? { endpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: e.OTEL_SERVICE_NAME }
      : null,
    metrics: e.METRICS_PORT === 0 ? null : { port: e.METRICS_PORT, host: e.METRICS_HOST },
    logLevel: e.LOG_LEVEL,
  };
}
