/** The GitHub-like plain OAuth 2.0 provider ("Octo") for development and tests. */
export {
  createOAuth2Provider,
  OCTO_PATHS,
  startOAuth2Provider,
  type RunningOAuth2Provider,
  type StartOAuth2ProviderOptions,
} from './provider.ts';
export type { OAuth2Client } from './clients.ts';
export type { OctoUser } from './user-endpoint.ts';
export { PROVIDER_NAME as OCTO_PROVIDER_NAME } from './pages.ts';
