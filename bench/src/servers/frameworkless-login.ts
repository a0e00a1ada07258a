import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import * as oidc from 'openid-client';
import {
  createMemoryStore,
  hashBinding,
  newLoginSecrets,
  newTransactionId,
  pkceChallengeS256,
  safeReturnTo,
} from '../gatehouse/bff.ts';
import { CLIENT_ID, CLIENT_SECRET, PROVIDER_NAME, SCOPES, SPA_ORIGIN } from '../fixtures/oidc.ts';
import { childOptions, listenOnLoopback, serveParent } from './child.ts';
import { cookieValue, gatehouseHeaders, referenceConfig } from './frameworkless.ts';

/**
 * A reference, not a product: `GET /auth/login` answered with no framework at all — node:http, then Gatehouse's
 * own framework-free pieces (the CSPRNG secrets, the PKCE challenge, the browser-binding hash, the memory
 * store's transaction, openid-client's authorization URL, every header Gatehouse sends). It leaves out the
 * rate limiter, so it is, if anything, faster than the route can be.
 */
export interface FrameworklessLoginOptions {
  /** The local OpenID provider: its `/authorize` is where the redirect goes. */
  issuer: string;
}

const config = referenceConfig();
// As `auth/login.ts` names it and `auth/browser-binding.ts` accepts it.
const BINDING_COOKIE = `${config.session.cookieName}-login`;
const WELL_FORMED = /^[A-Za-z0-9_-]{43}$/;
const TTL_MS = config.loginTransactionTtlMs;
const { issuer } = childOptions<FrameworklessLoginOptions>();
const clock = (): number => Date.now();
const store = createMemoryStore({ clock });
const configuration = new oidc.Configuration(
  { issuer, authorization_endpoint: `${issuer}/authorize` },
  CLIENT_ID,
  CLIENT_SECRET,
);
// The local provider is http on loopback, as the BFF's own provider configuration allows for it.
oidc.allowInsecureRequests(configuration);
const redirectUri = `${config.publicUrl}/auth/callback`;

function bindingFrom(cookie: string | undefined): string {
  const value = cookieValue(cookie, BINDING_COOKIE);
  return value && WELL_FORMED.test(value) ? value : randomBytes(32).toString('base64url');
}

const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  const url = new URL(req.url ?? '/', 'http://bff');
  const headers = gatehouseHeaders();
  if (url.pathname !== '/auth/login' || url.searchParams.get('provider') !== PROVIDER_NAME) {
    res.writeHead(400, headers).end();
    return;
  }
  const state = newTransactionId();
  const { codeVerifier, nonce } = newLoginSecrets();
  const binding = bindingFrom(req.headers.cookie);
  const now = clock();
  store
    .putTransaction(
      state,
      {
        provider: PROVIDER_NAME,
        browserBinding: hashBinding(binding),
        codeVerifier,
        nonce,
        returnTo: `${SPA_ORIGIN}${safeReturnTo(url.searchParams.get('returnTo') ?? undefined)}`,
        createdAt: now,
      },
      now + TTL_MS,
    )
    .then(() => {
      const location = oidc.buildAuthorizationUrl(configuration, {
        redirect_uri: redirectUri,
        response_type: 'code',
        code_challenge: pkceChallengeS256(codeVerifier),
        code_challenge_method: 'S256',
        state,
        scope: SCOPES.join(' '),
        nonce,
      });
      const expires = new Date(now + TTL_MS).toUTCString();
      headers.push(
        'Set-Cookie',
        `${BINDING_COOKIE}=${binding}; path=/; expires=${expires}; samesite=lax; secure; httponly`,
        'Location',
        location.href,
        'Content-Length',
        '0',
      );
      res.writeHead(302, headers).end();
    })
    .catch(() => {
      if (!res.headersSent) res.writeHead(503).end();
    });
});
serveParent(await listenOnLoopback(server), {}, {}, async () => {
  server.closeAllConnections();
  server.close();
  await store.close();
});
