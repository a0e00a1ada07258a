import type { RedisClient } from './store/redis-connection.ts';
import type { Logger } from 'pino';
import type { Config } from './config/env.ts';
import type { SessionEventBus } from './events/session-event.ts';
import type { StreamRegistry } from './events/stream-registry.ts';
import type { ApiConfig } from './config/providers-file.ts';
import type { Metrics } from './observability/metrics.ts';
import type { ProviderRegistry } from './providers/provider.ts';
import type { TokenCipher } from './tokens/token-cipher.ts';
import type { Clock } from './clock.ts';
import type { SessionStore } from './store/store.ts';

/** Everything `createApp` is built from. `server.ts` wires the real ones; tests bring their own. */
export interface AppDeps {
  config: Config;
  store: SessionStore;
  providers: ProviderRegistry;
  /** Upstream APIs reachable through `/api/proxy/<name>/...`. */
  apis: ApiConfig[];
  cipher: TokenCipher;
  logger: Logger;
  clock: Clock;
  /**
   * The clock a provider's times (`iat`, `auth_time`) are judged by; real time when absent. Apart from `clock`
   * because tests move the session clock ahead while the provider keeps real time.
   */
  providerClock?: Clock;
  /** Prometheus metrics (observability/metrics.ts); none recorded when absent (`METRICS_PORT=0`). */
  metrics?: Metrics;
  /** With sessions in Redis: the connection the login rate limit is shared on (security/shared-rate-limit.ts). */
  rateLimitRedis?: RedisClient | null;
  /** Spans for requests, sign-in, proxy (observability/tracing.ts); on when `OTEL_EXPORTER_OTLP_ENDPOINT` is set. */
  tracing?: boolean;
  /** Live session events (`GET /api/session/events`); within the process when absent. */
  events?: SessionEventBus;
  /** The event streams open on this replica, which `server.ts` ends on SIGTERM; the app's own when absent. */
  streams?: StreamRegistry;
}
