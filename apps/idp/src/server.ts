import { startedOrExit, stopOnSignals } from '@gatehouse/shared/server';
import { pino } from 'pino';
import {
  ConfigError,
  firstPartyClient,
  hardenedClient,
  loadConfig,
  loadOAuth2Config,
  type IdpConfig,
  type OAuth2ProviderConfig,
} from './config.ts';
import { startOAuth2Provider, type RunningOAuth2Provider } from './octo/index.ts';
import { startIdp } from './start.ts';
import { demoUsers, loadUsersFile } from './users.ts';

function configOrExit(): { idp: IdpConfig; oauth2: OAuth2ProviderConfig } {
  try {
    return { idp: loadConfig(), oauth2: loadOAuth2Config() };
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

const { idp: config, oauth2: oauth2Config } = configOrExit();
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
// Unused until a providers file signs in with it (examples/providers.hardened.json): the BFF's keys are fetched then.
const hardened = hardenedClient(config);
const service = { name: 'dev IdP', logger };
const idp = await startedOrExit(
  startIdp({
    port: config.port,
    issuer: config.issuer,
    clients: [client, hardened],
    users,
    accessTokenTtl: config.accessTokenTtl,
    apiAudience: config.apiAudience,
    logger,
  }),
  service,
  { value: config.port, variable: 'IDP_PORT' },
);

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
    hardenedClient: { clientId: hardened.client_id, jwksUri: hardened.jwks_uri },
    users: users.map((user) => `${user.username} (${user.name})`),
  },
  `dev IdP listening on ${idp.issuer}`,
);

// The GitHub-like plain OAuth 2.0 provider ("Octo"), beside the OpenID provider. It is optional: when its
// port is taken (another dev stack, say) the IdP carries on without it and says so.
let octo: RunningOAuth2Provider | undefined;
if (oauth2Config.port !== null) {
  try {
    octo = await startOAuth2Provider({
      port: oauth2Config.port,
      clients: [
        {
          clientId: oauth2Config.clientId,
          clientSecret: oauth2Config.clientSecret,
          redirectUris: [oauth2Config.redirectUri],
          name: 'Gatehouse',
        },
      ],
      users,
      logger: logger.child({ component: 'octo' }),
    });
    logger.warn(
      'Octo, the GitHub-like OAuth 2.0 provider, is for DEVELOPMENT only: demo users, in-memory codes and tokens.',
    );
    logger.info(
      {
        url: octo.url,
        authorizationEndpoint: `${octo.url}/login/oauth/authorize`,
        tokenEndpoint: `${octo.url}/login/oauth/access_token`,
        userEndpoint: `${octo.url}/user`,
        clientId: oauth2Config.clientId,
        redirectUris: [oauth2Config.redirectUri],
      },
      `octo (GitHub-like dev provider) listening on ${octo.url}`,
    );
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    logger.error(
      { err: code ? undefined : error },
      code === 'EADDRINUSE' || code === 'EACCES'
        ? `octo not started: cannot listen on port ${oauth2Config.port} (${code}); set OAUTH2_PORT to a free port, or to off`
        : 'octo not started',
    );
  }
}

stopOnSignals(service, () => Promise.all([idp.close(), octo?.close()]));
