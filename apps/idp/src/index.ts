export { ACR, ACR_VALUES } from './acr.ts';
export { createIdp, type ClientRegistration, type CreateIdpOptions } from './provider.ts';
export { startIdp, type RunningIdp, type StartIdpOptions } from './start.ts';
export {
  ConfigError,
  DEFAULT_API_AUDIENCE,
  firstPartyClient,
  HARDENED_CLIENT_ID,
  hardenedClient,
  loadConfig,
  loadOAuth2Config,
  type FirstPartyClientOptions,
  type IdpConfig,
  type OAuth2ProviderConfig,
} from './config.ts';
export {
  createOAuth2Provider,
  OCTO_PATHS,
  OCTO_PROVIDER_NAME,
  startOAuth2Provider,
  type OAuth2Client,
  type OctoUser,
  type RunningOAuth2Provider,
  type StartOAuth2ProviderOptions,
} from './octo/index.ts';
export {
  demoUsers,
  loadUsersFile,
  parseUsers,
  UserDirectory,
  type DemoUser,
  type UserClaims,
} from './users.ts';
export {
  CookieJar,
  IdpNavigationError,
  signInAtIdp,
  signOutAtIdp,
  type SignInResult,
  type SignOutResult,
  type Step,
} from './testing/index.ts';
