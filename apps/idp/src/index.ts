export { createIdp, type ClientRegistration, type CreateIdpOptions } from './provider.ts';
export { startIdp, type RunningIdp, type StartIdpOptions } from './start.ts';
export {
  ConfigError,
  DEFAULT_API_AUDIENCE,
  firstPartyClient,
  loadConfig,
  type FirstPartyClientOptions,
  type IdpConfig,
} from './config.ts';
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
