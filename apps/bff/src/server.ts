import { createServer } from 'node:http';
import { createApp } from './app.ts';
import { resolveEncryptionKeys } from './config/encryption-keys.ts';
import { ConfigError, parseConfig } from './config/env.ts';
import { defaultProvidersFile, loadProvidersFile } from './config/providers-file.ts';
import { answerClientError } from './http/client-error.ts';
import { createLogger } from './logger.ts';
import { createEventBus } from './events/create-event-bus.ts';
import { ProviderRegistry } from './providers/provider.ts';
import { createStore } from './session/create-store.ts';
import { createTokenCipher } from './session/token-cipher.ts';

function start(): void {
  const config = parseConfig(process.env);
  const logger = createLogger(config.logLevel);
  const file = config.providersFile
    ? loadProvidersFile(config.providersFile, process.env)
    : defaultProvidersFile({ idpPort: config.idpPort, apiPort: config.apiPort, ...config.devClient });
  const providerConfigs = file.providers;
  const cipher = createTokenCipher(resolveEncryptionKeys(config));
  const clock = (): number => Date.now();
  const store = createStore(config, clock, logger);
  const providers = ProviderRegistry.create(providerConfigs, { logger });
  const events = createEventBus(config, store, logger);
  const app = createApp({ config, store, providers, apis: file.apis, cipher, logger, clock, events });

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

  const shutdown = (signal: string): void => {
    logger.info({ signal }, 'shutting down');
    server.close(() => {
      void events
        .close()
        .then(() => store.close())
        .finally(() => process.exit(0));
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
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
