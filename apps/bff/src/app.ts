import { IncomingMessage, ServerResponse } from 'node:http';
import Router from '@koa/router';
import Koa from 'koa';
import {
  listAccountsRoute,
  signOutAccountRoute,
  signOutAllAccountsRoute,
  switchAccountRoute,
} from './session-api/accounts.ts';
import { getSession } from './session-api/session.ts';
import { listSessions, revokeAllSessions, revokeSession } from './session-api/sessions.ts';
import { requireSession, type SessionState } from './session-api/require-session.ts';
import { backchannelLogout } from './auth/backchannel-logout.ts';
import { callback } from './auth/callback.ts';
import { jwks } from './auth/jwks.ts';
import { login } from './auth/login.ts';
import { logout } from './auth/logout.ts';
import { listProviders } from './auth/providers.ts';
import type { AppDeps } from './deps.ts';
import { createEventStreams, EVENTS_PATH } from './events/event-stream.ts';
import { extendSession } from './events/extend-session.ts';
import { createLocalEventBus } from './events/local-event-bus.ts';
import { StreamRegistry } from './events/stream-registry.ts';
import { bodyLimit } from './http/body-limit.ts';
import { errorHandler } from './http/error-handler.ts';
import { healthz, readyz } from './http/health.ts';
import { httpMetrics } from './observability/http-metrics.ts';
import { signInMetrics } from './observability/sign-in-metrics.ts';
import { tracedMiddleware, tracingMiddleware } from './observability/tracing.ts';
import { requestLog } from './http/request-log.ts';
import { corsForSpa } from './security/cors.ts';
import { securityHeaders } from './security/headers.ts';
import { rateLimit } from './security/rate-limit.ts';
import { sharedRateLimit } from './security/shared-rate-limit.ts';
import { requireCsrf } from './security/request-guard.ts';
import { proxy } from './proxy/proxy.ts';
import { sessionCookie } from './session/session-cookie.ts';
import { TokenService } from './tokens/token-service.ts';

/** Builds the BFF from explicit dependencies. It does not listen: `server.ts` does, tests call `app.callback()`. */
export function createApp(given: AppDeps): Koa {
  const deps = { ...given, events: given.events ?? createLocalEventBus() };
  const { config, logger } = deps;
  // With TRUST_PROXY, exactly one proxy hop is trusted: ctx.ip is the address that proxy appended to
  // X-Forwarded-For, never a value the client put in front of it (rate limits key on ctx.ip).
  const app = new Koa({ proxy: config.trustProxy, maxIpsCount: 1 });
  // Errors are answered and logged by `errorHandler`; koa's own printer would only duplicate them.
  app.silent = true;

  const withSession = sessionCookie(app, config, deps.store);
  const csrf = requireCsrf(config.spaOrigins);
  const authenticated = requireSession(deps);

  // Browsers keep Secure cookies on http://localhost; behind TLS, `proxy` + X-Forwarded-Proto says so.
  const secureCookies: Koa.Middleware = (ctx, next) => {
    if (config.cookieSecure) ctx.cookies.secure = true;
    return next();
  };

  const router = new Router<SessionState>();
  router.get('/healthz', healthz);
  router.get('/readyz', readyz(deps.store));
  router.get('/auth/providers', listProviders(deps));
  router.get('/auth/jwks.json', jwks(deps));
  const limit = { limit: config.rateLimitLoginPerMinute, windowMs: 60_000 };
  const { rateLimitRedis: redis } = deps;
  const perMinute = (name: string) =>
    redis
      ? sharedRateLimit({ name, ...limit, redis, keyPrefix: config.store.redisKeyPrefix })
      : rateLimit({ name, ...limit, clock: deps.clock });
  const span = <S>(name: string, middleware: Koa.Middleware<S>): Koa.Middleware<S> =>
    deps.tracing ? tracedMiddleware(name, middleware) : middleware;
  // The session is read for a step-up (`acr`, `maxAge`), which upgrades it.
  router.get('/auth/login', perMinute('login'), withSession, span('gatehouse.login', login(deps)));
  const countSignIns: Koa.Middleware[] = deps.metrics ? [signInMetrics(deps.metrics)] : [];
  router.get(
    '/auth/callback',
    perMinute('callback'),
    ...countSignIns,
    withSession,
    span('gatehouse.callback', callback(deps)),
  );
  router.post('/auth/logout', csrf, withSession, logout(deps));
  // Called by the provider, server to server: no cookie, no CSRF header; the signed token is the credential.
  router.post('/auth/backchannel-logout', ...backchannelLogout(deps));
  router.get('/api/session', csrf, withSession, authenticated, getSession);
  // EventSource sends no custom header: the stream checks the Origin itself.
  const streams = createEventStreams(deps, deps.streams ?? new StreamRegistry(config.events, deps.clock));
  router.get(EVENTS_PATH, streams.route);
  router.post('/api/session/extend', csrf, withSession, extendSession(deps));
  router.get('/api/sessions', csrf, withSession, authenticated, listSessions(deps));
  router.delete('/api/sessions', csrf, withSession, authenticated, revokeAllSessions(deps));
  router.delete('/api/sessions/:id', csrf, withSession, authenticated, revokeSession(deps));
  // Several accounts in one browser (decision 027).
  router.get('/api/accounts', csrf, withSession, authenticated, listAccountsRoute(deps));
  router.post('/api/accounts/active', csrf, withSession, authenticated, ...switchAccountRoute(deps));
  router.delete('/api/accounts', csrf, withSession, authenticated, signOutAllAccountsRoute(deps));
  router.delete('/api/accounts/:id', csrf, withSession, authenticated, signOutAccountRoute(deps));
  const relay = proxy(deps, new TokenService(deps));
  router.all(
    '/api/proxy/:api{/*path}',
    csrf,
    withSession,
    authenticated,
    span('gatehouse.proxy', relay.handler),
  );

  if (deps.tracing) app.use(tracingMiddleware());
  if (deps.metrics) app.use(httpMetrics(deps.metrics));
  app.use(requestLog(logger));
  app.use(errorHandler(logger));
  app.use(securityHeaders({ hsts: config.publicUrl.startsWith('https:') }));
  app.use(corsForSpa(config.spaOrigins));
  app.use(bodyLimit(config.maxBodyBytes));
  app.use(secureCookies);
  app.use(router.routes());
  app.use(router.allowedMethods({ throw: true }));

  // An admitted event stream is served before Koa sees the request (see events/event-stream.ts).
  const koaCallback = app.callback.bind(app);
  app.callback = () => {
    const handle = koaCallback();
    return async (req, res) => {
      const http1 = req instanceof IncomingMessage && res instanceof ServerResponse;
      if (!(http1 && (await streams.tryServe(req, res)))) await handle(req, res);
    };
  };
  return app;
}
