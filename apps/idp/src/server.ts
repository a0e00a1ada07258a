import { pino } from 'pino';
import { ConfigError, firstPartyClient, loadConfig, type IdpConfig } from './config.ts';
import { startIdp } from './start.ts';
import { demoUsers, loadUsersFile } from './users.ts';

function configOrExit(): IdpConfig {
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
const logger = pino({ name: 'gatehouse-idp', level: config.logLevel });

let users = demoUsers;
if (config.usersFile) {
  try {
    users = await loadUsersFile(config.usersFile);
  } catch (error) {
    process.stderr.write(`Invalid configuration:\nIDP_USERS_FILE: ${(error as Error).message}\n`);
    process.exit(1);
  }
}

const client = firstPartyClient(config);
const idp = await startIdp({
  port: config.port,
  issuer: config.issuer,
  clients: [client],
  users,
  accessTokenTtl: config.accessTokenTtl,
  apiAudience: config.apiAudience,
  logger,
}).catch((error: unknown) => {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE' || code === 'EACCES') {
    logger.fatal(`cannot listen on port ${config.port} (${code}); set IDP_PORT to a free port`);
  } else {
    logger.fatal({ err: error }, 'dev IdP failed to start');
  }
  process.exit(1);
});

logger.warn(
  'This is the DEVELOPMENT identity provider: demo users, in-memory state, keys that change on restart. Do not use it in production.',
);
logger.info(
  {
    issuer: idp.issuer,
    discovery: `${idp.issuer}/.well-known/openid-configuration`,
    port: config.port,
    clientId: client.client_id,
    redirectUris: client.redirect_uris,
    postLogoutRedirectUris: client.post_logout_redirect_uris,
    backchannelLogoutUri: client.backchannel_logout_uri,
    users: users.map((user) => `${user.username} (${user.name})`),
  },
  `dev IdP listening on ${idp.issuer}`,
);

let stopping = false;
async function stop(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'dev IdP stopping');
  // Do not let a stuck connection keep the process alive forever.
  setTimeout(() => process.exit(1), 5000).unref();
  try {
    await idp.close();
    process.exit(0);
  } catch (error) {
    logger.error({ err: error }, 'dev IdP: error while stopping');
    process.exit(1);
  }
}

process.once('SIGINT', (signal) => void stop(signal));
process.once('SIGTERM', (signal) => void stop(signal));
