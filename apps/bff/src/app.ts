import Router from '@koa/router';
import Koa from 'koa';
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
import { bodyLimit } from './http/body-limit.ts';
import { errorHandler } from './http/error-handler.ts';
import { healthz, readyz } from './http/health.ts';
import { requestLog } from './http/request-log.ts';
import { corsForSpa } from './security/cors.ts';
import { securityHeaders } from './security/headers.ts';
import { rateLimit } from './security/rate-limit.ts';
import { requireCsrf } from './security/request-guard.ts';
import { proxy } from './proxy/proxy.ts';
import { sessionCookie } from './session/session-cookie.ts';
import { TokenService } from './tokens/token-service.ts';

/** Builds the BFF from explicit dependencies. It does not listen: `server.ts` does, tests call `app.callback()`. */
export function createApp(deps: AppDeps): Koa {
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
  const perMinute = (name: string) =>
    rateLimit({ name, limit: config.rateLimitLoginPerMinute, windowMs: 60_000, clock: deps.clock });
  // The session is read for a step-up (`acr`, `maxAge`), which upgrades it.
  router.get('/auth/login', perMinute('login'), withSession, login(deps));
  router.get('/auth/callback', perMinute('callback'), withSession, callback(deps));
  router.post('/auth/logout', csrf, withSession, logout(deps));
  // Called by the provider, server to server: no cookie, no CSRF header; the signed token is the credential.
  router.post('/auth/backchannel-logout', ...backchannelLogout(deps));
  router.get('/api/session', csrf, withSession, authenticated, getSession);
  router.get('/api/sessions', csrf, withSession, authenticated, listSessions(deps));
  router.delete('/api/sessions', csrf, withSession, authenticated, revokeAllSessions(deps));
  router.delete('/api/sessions/:id', csrf, withSession, authenticated, revokeSession(deps));
  const relay = proxy(deps, new TokenService(deps));
  router.all('/api/proxy/:api{/*path}', csrf, withSession, authenticated, relay.handler);

  app.use(requestLog(logger));
  app.use(errorHandler(logger));
  app.use(securityHeaders({ hsts: config.publicUrl.startsWith('https:') }));
  app.use(corsForSpa(config.spaOrigins));
  app.use(bodyLimit(config.maxBodyBytes));
  app.use(secureCookies);
  app.use(router.routes());
  app.use(router.allowedMethods({ throw: true }));
  return app;
}
