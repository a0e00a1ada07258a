import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import Router from '@koa/router';
import Koa, { type Middleware, type ParameterizedContext } from 'koa';
import createSession from 'koa-session';
import { Agent, stream } from 'undici';
import {
  beginLogin,
  createLogger,
  createMemoryStore,
  createTokenCipher,
  csrfRefusal,
  idleUpdateDue,
  isWellFormedSessionId,
  openTokens,
  ProviderRegistry,
  storeKeyFor,
  toSessionInfo,
  type StoredSession,
} from '../gatehouse/bff.ts';
import { realisticSession, seedSessions } from '../fixtures/sessions.ts';
import { CLIENT_ID, CLIENT_SECRET, PROVIDER_NAME, SCOPES, SPA_ORIGIN } from '../fixtures/oidc.ts';
import { childOptions, listenOnLoopback, serveParent } from './child.ts';
import { gatehouseHeaders, referenceConfig } from './frameworkless.ts';
import type { GatehouseInfo } from './gatehouse.ts';

/**
 * A reference, not a product: the named-library floor. The libraries Gatehouse is built on — Koa, koa-session
 * with an external store in a Map, @koa/router — serving `GET /api/session`, `GET /auth/login` and the proxy,
 * each doing only the route's own work with Gatehouse's own Koa-free pieces (the CSRF rule, the SHA-256 store
 * key, the idle-expiry check, `beginLogin` and the memory store's transactions, the token cipher, an undici
 * relay) and answering the same status, headers and body. No logger, no error mapping, no rate limiter, no
 * body limit, no metrics: whatever Gatehouse adds over this is its own overhead, the budgets' subject.
 */
export interface KoaSessionFloorOptions {
  sessions: number;
  /** The local OpenID provider: sessions' tokens name it, logins redirect to it. */
  issuer: string;
  /** The proxied API: `/api/proxy/notes/<rest>` goes to `<upstream>/notes/<rest>`. */
  upstream: string;
}

export type KoaSessionFloorInfo = Pick<GatehouseInfo, 'cookieName' | 'sessionIds'>;

const config = referenceConfig();
const { session: policy, spaOrigins: origins } = config;
const options = childOptions<KoaSessionFloorOptions>();
const clock = (): number => Date.now();
const cipher = createTokenCipher([{ id: 'bench', key: randomBytes(32) }]);
const logger = createLogger('warn');

/** Sessions by store key, as the store would answer them. */
const records = new Map<string, StoredSession>();
/** The record behind this request's bag (which, as Gatehouse's, leaves the sealed tokens out). */
const loaded = new WeakMap<object, { key: string; record: StoredSession }>();

const app = new Koa();
app.silent = true;
const session = createSession(
  {
    key: policy.cookieName,
    maxAge: policy.absoluteTimeoutMs,
    httpOnly: true,
    signed: false,
    sameSite: policy.sameSite,
    rolling: false,
    renew: false,
    store: {
      async get(id: string, _maxAge: number, { ctx }: { ctx?: ParameterizedContext }) {
        if (!isWellFormedSessionId(id) || !ctx) return null;
        const key = storeKeyFor(id);
        const record = records.get(key);
        if (!record) return null;
        loaded.set(ctx, { key, record });
        const { tokens: _sealed, ...bag } = record;
        return bag;
      },
      async set() {},
      async destroy() {},
    },
  },
  app,
);

/** Every header Gatehouse sends on an auth or API answer, CORS for the SPA origin included. */
const headers: Middleware = (ctx, next) => {
  const list = gatehouseHeaders();
  for (let i = 0; i < list.length; i += 2) ctx.res.setHeader(list[i]!, list[i + 1]!);
  const origin = ctx.get('origin');
  if (origins.includes(origin)) {
    ctx.res.setHeader('Access-Control-Allow-Origin', origin);
    ctx.res.setHeader('Access-Control-Allow-Credentials', 'true');
  }
  return next();
};

const csrf: Middleware = (ctx, next) => {
  const refusal = csrfRefusal((name) => ctx.get(name), origins);
  if (refusal) {
    ctx.status = 403;
    ctx.body = { error: 'csrf', message: refusal };
    return undefined;
  }
  return next();
};

/** The live session behind the cookie (its idle expiry slid when due), or a 401. */
const authenticated: Middleware = (ctx, next) => {
  const entry = ctx.session?.externalKey ? loaded.get(ctx) : undefined;
  if (!entry) {
    ctx.status = 401;
    ctx.body = { error: 'unauthenticated', message: 'Sign in first.' };
    return undefined;
  }
  const update = idleUpdateDue(entry.record, clock(), policy);
  if (update) Object.assign(entry.record, update);
  return next();
};

const providers = ProviderRegistry.create(
  [
    {
      name: PROVIDER_NAME,
      issuer: options.issuer,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      scopes: SCOPES,
      allowInsecureHttp: true,
    },
  ],
  { logger },
);
await providers.warmUp();
const transactions = createMemoryStore({ clock });
const signIn = {
  store: transactions,
  providers,
  cipher,
  clock,
  providerClock: clock,
  logger,
  policy: {
    redirectUri: `${config.publicUrl}/auth/callback`,
    transactionTtlMs: config.loginTransactionTtlMs,
    session: policy,
  },
};
const BINDING_COOKIE = `${policy.cookieName}-login`;
const WELL_FORMED_BINDING = /^[A-Za-z0-9_-]{43}$/;

const agent = new Agent({ keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000, connections: 256 });
const PROXY_PREFIX = '/api/proxy/notes';

const router = new Router();
router.get('/api/session', csrf, session, authenticated, (ctx) => {
  ctx.body = toSessionInfo(loaded.get(ctx)!.record);
});
router.get('/auth/login', session, async (ctx) => {
  const { redirectUrl } = await beginLogin(signIn, {
    provider: typeof ctx.query.provider === 'string' ? ctx.query.provider : undefined,
    spaOrigin: SPA_ORIGIN,
    returnTo: ctx.query.returnTo,
    browserBinding: () => {
      const current = ctx.cookies.get(BINDING_COOKIE);
      const binding =
        current && WELL_FORMED_BINDING.test(current) ? current : randomBytes(32).toString('base64url');
      ctx.cookies.set(BINDING_COOKIE, binding, {
        maxAge: config.loginTransactionTtlMs,
        sameSite: 'lax',
        httpOnly: true,
      });
      return binding;
    },
  });
  ctx.redirect(redirectUrl.href);
});
router.get('/api/proxy/notes/{*rest}', csrf, session, authenticated, async (ctx) => {
  const { record } = loaded.get(ctx)!;
  const tokens = openTokens(cipher, record.tokens, record.provider, record.user.sub);
  await stream(
    `${options.upstream}/notes${ctx.url.slice(PROXY_PREFIX.length)}`,
    {
      method: 'GET',
      headers: { accept: 'application/json', authorization: `Bearer ${tokens.accessToken}` },
      dispatcher: agent,
    },
    ({ statusCode, headers: upstream }) => {
      ctx.status = statusCode;
      const type = upstream['content-type'];
      const length = upstream['content-length'];
      if (typeof type === 'string') ctx.set('Content-Type', type);
      if (typeof length === 'string') ctx.set('Content-Length', length);
      ctx.respond = false;
      return ctx.res;
    },
  );
});
app.use(headers);
app.use(router.routes());

const server = createServer({ keepAliveTimeout: 65_000 }, app.callback());
const port = await listenOnLoopback(server);
const sessionIds = await seedSessions(
  {
    async set(key: string, value: StoredSession) {
      records.set(key, value);
    },
  } as unknown as Parameters<typeof seedSessions>[0],
  options.sessions,
  (index) =>
    realisticSession(index, {
      cipher,
      policy,
      issuer: options.issuer,
      audience: options.upstream,
      now: clock(),
    }),
);
serveParent(
  port,
  { cookieName: policy.cookieName, sessionIds } satisfies KoaSessionFloorInfo,
  {},
  async () => {
    server.closeAllConnections();
    server.close();
    await agent.close();
    await transactions.close();
  },
);
