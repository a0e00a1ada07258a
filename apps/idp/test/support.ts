import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import { firstPartyClient, startIdp, type RunningIdp, type StartIdpOptions } from '../src/index.ts';

export const CLIENT_ID = 'gatehouse-test';
export const CLIENT_SECRET = 'test-secret';
export const SPA_ORIGIN = 'http://localhost:5173';
export const API_AUDIENCE = 'http://localhost:4100';

/** Stands in for the BFF: records the back-channel logout requests the IdP sends it. */
export interface FakeBff {
  url: string;
  logoutTokens: string[];
  close(): Promise<void>;
}

export async function startFakeBff(): Promise<FakeBff> {
  const logoutTokens: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/auth/backchannel-logout') {
        const token = new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('logout_token');
        if (token) logoutTokens.push(token);
        res.writeHead(200).end();
      } else {
        res.writeHead(404).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    logoutTokens,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface TestIdp {
  idp: RunningIdp;
  bff: FakeBff;
  redirectUri: string;
  client(): Promise<oidc.Configuration>;
  close(): Promise<void>;
}

/** The IdP on a free port with the first-party client registered for a fake BFF. */
export async function startTestIdp(options: Partial<StartIdpOptions> = {}): Promise<TestIdp> {
  const bff = await startFakeBff();
  const idp = await startIdp({
    port: 0,
    clients: [
      firstPartyClient({
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        publicBffUrl: bff.url,
        spaOrigins: [SPA_ORIGIN],
      }),
    ],
    apiAudience: API_AUDIENCE,
    ...options,
  });
  return {
    idp,
    bff,
    redirectUri: `${bff.url}/auth/callback`,
    client: () =>
      oidc.discovery(new URL(idp.issuer), CLIENT_ID, undefined, oidc.ClientSecretBasic(CLIENT_SECRET), {
        execute: [oidc.allowInsecureRequests],
      }),
    close: async () => {
      await idp.close();
      await bff.close();
    },
  };
}

export interface AuthorizationRequest {
  url: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

export async function authorizationRequest(
  config: oidc.Configuration,
  redirectUri: string,
  scope = 'openid profile email offline_access',
): Promise<AuthorizationRequest> {
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope,
    state,
    nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
  });
  return { url: url.href, state, nonce, codeVerifier };
}
