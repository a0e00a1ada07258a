import * as oidc from 'openid-client';
import type { Logger } from 'pino';
import type { Provider } from '../providers/provider.ts';
import { providerUnavailable } from './sign-in-error.ts';

/**
 * Where the browser is sent to sign in. With pushed authorization requests (RFC 9126) the parameters go to the
 * provider over the back channel, authenticated as the client, and the browser's URL carries only `client_id`
 * and the `request_uri` the provider answered: nothing in it can be read or altered on the way. A refused or
 * failed push is the provider being unusable for now (`provider_unavailable`), logged with the OAuth error.
 */
export async function authorizationUrl(
  provider: Provider,
  configuration: oidc.Configuration,
  parameters: Record<string, string>,
  logger: Logger,
): Promise<URL> {
  if (!provider.usesPushedAuthorizationRequests) return oidc.buildAuthorizationUrl(configuration, parameters);
  try {
    return await oidc.buildAuthorizationUrlWithPAR(configuration, parameters);
  } catch (error) {
    const detail = error as { name?: unknown; code?: unknown; error?: unknown };
    logger.warn(
      { provider: provider.name, errorName: detail.name, errorCode: detail.code, oauthError: detail.error },
      'pushed authorization request failed',
    );
    throw providerUnavailable(provider.name);
  }
}
