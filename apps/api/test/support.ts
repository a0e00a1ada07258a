import { firstPartyClient, startIdp, type RunningIdp } from '@gatehouse/idp';
import { signInAtIdp } from '@gatehouse/idp/testing';
import * as oidc from 'openid-client';

export const CLIENT_ID = 'notes-test-client';
export const CLIENT_SECRET = 'notes-test-secret';
export const API_AUDIENCE = 'http://localhost:4100';
// Never contacted: the IdP's final redirect is read, not followed.
const BFF_URL = 'http://localhost:9';

export interface TestIdp {
  idp: RunningIdp;
  config: oidc.Configuration;
  /** Signs `username` in through the real code flow; the token request carries `resource` when given. */
  signIn(username: string, password: string, resource?: string): Promise<oidc.TokenEndpointResponse>;
  close(): Promise<void>;
}

/** The real dev IdP on a free port, with a first-party client, and an openid-client configuration for it. */
export async function startTestIdp(options: { accessTokenTtl?: number } = {}): Promise<TestIdp> {
  const idp = await startIdp({
    port: 0,
    clients: [
      firstPartyClient({
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        publicBffUrl: BFF_URL,
        spaOrigins: ['http://localhost:5173'],
      }),
    ],
    apiAudience: API_AUDIENCE,
    ...options,
  });
  const config = await oidc.discovery(
    new URL(idp.issuer),
    CLIENT_ID,
    undefined,
    oidc.ClientSecretBasic(CLIENT_SECRET),
    { execute: [oidc.allowInsecureRequests] },
  );
  return {
    idp,
    config,
    async signIn(username, password, resource) {
      const codeVerifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: `${BFF_URL}/auth/callback`,
        scope: 'openid profile email',
        state,
        nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
      });
      const { redirectUrl } = await signInAtIdp(url.href, username, password);
      return oidc.authorizationCodeGrant(
        config,
        new URL(redirectUrl),
        { pkceCodeVerifier: codeVerifier, expectedState: state, expectedNonce: nonce },
        resource ? { resource } : undefined,
      );
    },
    close: () => idp.close(),
  };
}
