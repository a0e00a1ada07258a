import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import {
  beginLogin,
  createLogger,
  createMemoryStore,
  createTokenCipher,
  ProviderRegistry,
} from '../gatehouse/bff.ts';
import { CLIENT_ID, CLIENT_SECRET, PROVIDER_NAME, SCOPES, SPA_ORIGIN } from '../fixtures/oidc.ts';
import { childOptions, listenOnLoopback, serveParent } from './child.ts';
import { cookieValue, gatehouseHeaders, referenceConfig } from './frameworkless.ts';

/**
 * A reference, not a product: `GET /auth/login` answered with no framework at all — node:http calling the
 * sign-in core's `beginLogin` (the BFF's own code: secrets, PKCE, browser binding, the memory store's
 * transaction, the authorization URL) and sending every header Gatehouse sends. It leaves out the rate limiter,
 * so it is, if anything, faster than the route can be.
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
const logger = createLogger('warn');
const store = createMemoryStore({ clock });
const providers = ProviderRegistry.create(
  [
    {
      name: PROVIDER_NAME,
      issuer,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      scopes: SCOPES,
      // The local provider is http on loopback, as the BFF's own provider configuration allows for it.
      allowInsecureHttp: true,
    },
  ],
  { logger },
);
await providers.warmUp();
const deps = {
  store,
  providers,
  // beginLogin seals nothing: a throwaway key satisfies the type.
  cipher: createTokenCipher([{ id: 'bench', key: randomBytes(32) }]),
  clock,
  providerClock: clock,
  logger,
  policy: {
    redirectUri: `${config.publicUrl}/auth/callback`,
    transactionTtlMs: TTL_MS,
    session: config.session,
  },
};

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
  let binding = '';
  beginLogin(deps, {
    provider: PROVIDER_NAME,
    spaOrigin: SPA_ORIGIN,
    returnTo: url.searchParams.get('returnTo') ?? undefined,
    browserBinding: () => (binding = bindingFrom(req.headers.cookie)),
  })
    .then(({ redirectUrl, transaction }) => {
      const expires = new Date(transaction.createdAt + TTL_MS).toUTCString();
      headers.push(
        'Set-Cookie',
        `${BINDING_COOKIE}=${binding}; path=/; expires=${expires}; samesite=lax; secure; httponly`,
        'Location',
        redirectUrl.href,
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
