import { startedOrExit, stopOnSignals } from '@gatehouse/shared/server';
import { pino } from 'pino';
import { ConfigError, loadConfig, type ApiConfig } from './config.ts';
import { startNotesApi } from './start.ts';

function configOrExit(): ApiConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

const config = configOrExit();
const logger = pino({ name: 'gatehouse-api', level: config.logLevel });

const service = { name: 'notes api', logger };
const api = await startedOrExit(
  startNotesApi({
    port: config.port,
    host: config.host,
    issuer: config.issuer,
    audience: config.audience,
    logger,
  }),
  service,
  { value: config.port, variable: 'API_PORT' },
);

logger.info(
  { url: api.url, issuer: config.issuer, audience: config.audience },
  `notes api listening on ${api.url} — a sample resource server, notes are kept in memory`,
);

stopOnSignals(service, () => api.close());
