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

const api = await startNotesApi({
  port: config.port,
  host: config.host,
  issuer: config.issuer,
  audience: config.audience,
  logger,
}).catch((error: unknown) => {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE' || code === 'EACCES') {
    logger.fatal(`cannot listen on port ${config.port} (${code}); set API_PORT to a free port`);
  } else {
    logger.fatal({ err: error }, 'notes api failed to start');
  }
  process.exit(1);
});

logger.info(
  { url: api.url, issuer: config.issuer, audience: config.audience },
  `notes api listening on ${api.url} — a sample resource server, notes are kept in memory`,
);

let stopping = false;
async function stop(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'notes api stopping');
  setTimeout(() => process.exit(1), 5000).unref();
  try {
    await api.close();
    process.exit(0);
  } catch (error) {
    logger.error({ err: error }, 'notes api: error while stopping');
    process.exit(1);
  }
}

process.once('SIGINT', (signal) => void stop(signal));
process.once('SIGTERM', (signal) => void stop(signal));
