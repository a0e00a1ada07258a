import { createServer } from 'node:http';
import { createApp } from './app.ts';
import { resolveEncryptionKeys } from './config/encryption-keys.ts';
import { ConfigError, parseConfig } from './config/env.ts';
import { defaultProvidersFile, loadProvidersFile } from './config/providers-file.ts';
import { answerClientError } from './http/client-error.ts';
import { gracefulShutdown } from './http/graceful-shutdown.ts';
import { createLogger } from './logger.ts';
import { instrumentStore } from './observability/instrumented-store.ts';
import { createMetrics } from './observability/metrics.ts';
import { otlpProcessor, startTracing, traceStore } from './observability/tracing.ts';
import { createMetricsServer, listenMetrics } from './observability/metrics-server.ts';
import { createEventBus } from './events/create-event-bus.ts';
import { StreamRegistry } from './events/stream-registry.ts';
import { ProviderRegistry } from './providers/provider.ts';
import { rateLimitRedis } from './security/rate-limit-redis.ts';
import { createStore } from './store/create-store.ts';
import { createTokenCipher } from './tokens/token-cipher.ts';

function start(): void {
  const config = parseConfig(process.env);
  const logger = createLogger(config.logLevel);
  const file = config.providersFile
    ? loadProvidersFile(config.providersFile, process.env)
    : defaultProvidersFile({ idpPort: config.idpPort, apiPort: config.apiPort, ...config.devClient });
  const providerConfigs = file.providers;
  const cipher = createTokenCipher(resolveEncryptionKeys(config));
  const clock = (): number => Date.now();
  const metrics = config.metrics ? createMetrics() : undefined;
  const tracing = config.tracing
    ? startTracing({
        serviceName: config.tracing.serviceName,
        processor: otlpProcessor(config.tracing.endpoint),
      })
    : null;
  const plainStore = createStore(config, clock, logger);
  const timedStore = metrics ? instrumentStore(plainStore, metrics) : plainStore;
  const store = tracing ? traceStore(timedStore) : timedStore;
  const providers = ProviderRegistry.create(providerConfigs, { logger });
  const limiterRedis = rateLimitRedis(config, (error) =>
    logger.warn({ errorMessage: error.message }, 'rate limit redis connection problem'),
  );
  // The undecorated store: the event bus shares its Redis connection.
  const events = createEventBus(config, plainStore, logger);
  const streams = new StreamRegistry(config.events, clock);
  const app = createApp({
    config,
    store,
    providers,
    apis: file.apis,
    cipher,
    logger,
    clock,
    metrics,
    rateLimitRedis: limiterRedis,
    tracing: tracing !== null,
    events,
    streams,
  });

  const server = createServer({ maxHeaderSize: 16 * 1024, requestTimeout: 30_000 }, app.callback());
  server.keepAliveTimeout = 65_000;
  server.on('clientError', answerClientError);
  // Discovery runs in the background: a provider that is down marks itself unavailable and is retried on use.
  void providers.warmUp();
  server.listen(config.port, config.host, () => {
    logger.info(
      { url: config.publicUrl, store: config.store.kind, providers: providerConfigs.map((p) => p.name) },
      'gatehouse bff listening',
    );
  });

  const metricsServer = metrics && config.metrics ? createMetricsServer(metrics) : null;
  if (metricsServer && config.metrics) {
    const { port, host } = config.metrics;
    listenMetrics(metricsServer, port, host).then(
      (bound) => logger.info({ metrics: `http://${host}:${bound}/metrics` }, 'metrics listening'),
      (error: Error) => {
        // An operator who asked for metrics and gets none would not notice until it matters: stop here.
        logger.fatal({ errorMessage: error.message, port, host }, 'metrics listener failed (METRICS_PORT)');
        process.exit(1);
      },
    );
  }

  const shutdown = gracefulShutdown(server, {
    timeoutMs: config.shutdownTimeoutMs,
    logger,
    exit: (code) => process.exit(code),
    endStreams: () => streams.endAll(),
    async release() {
      metricsServer?.close();
      limiterRedis?.disconnect();
      await events.close();
      await store.close();
      await tracing?.close();
    },
  });
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

try {
  start();
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`gatehouse-bff: ${error.message}\n`);
    process.exit(78);
  }
  throw error;
}
