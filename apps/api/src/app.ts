import Router from '@koa/router';
import type { JWTVerifyGetKey } from 'jose';
import Koa from 'koa';
import { pino, type Logger } from 'pino';
import { accessTokenVerifier } from './access-token.ts';
import { dpopVerifier } from './dpop-proof.ts';
import { bearerAuth, type AuthState } from './bearer-auth.ts';
import { errorHandler } from './error-handler.ts';
import { issuerKeys } from './issuer-keys.ts';
import { notesRoutes } from './notes-routes.ts';
import { NotesStore } from './notes-store.ts';
import { requestLog } from './request-log.ts';

export interface NotesApiOptions {
  /** The issuer of the access tokens, e.g. `http://localhost:4000`; must equal their `iss`. */
  issuer: string;
  /** This API's identifier, e.g. `http://localhost:4100`; must be in the tokens' `aud`. */
  audience: string;
  /**
   * The issuer's verification keys (e.g. jose's `createLocalJWKSet`). Default: its discovery document's
   * `jwks_uri`, fetched on the first request and cached.
   */
  jwks?: JWTVerifyGetKey;
  /** Milliseconds since the epoch, for token expiry and note timestamps (default `Date.now`). */
  clock?: () => number;
  /** Request body limit in bytes (default 16 KB). */
  bodyLimit?: number;
  /** Notes kept per user (default 100). */
  maxNotesPerUser?: number;
  /** Defaults to a silent logger. */
  logger?: Logger;
}

/** JSON only, never cached, never framed or rendered as a document. */
const securityHeaders: Koa.Middleware = async (ctx, next) => {
  ctx.set({
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  });
  await next();
};

/**
 * The sample resource server ("notes"): a Koa app that does not listen (`start.ts` does). Every `/notes`
 * route requires a JWT access token (RFC 9068) of `issuer` for `audience`; notes belong to the token's `sub`.
 */
export function createNotesApi(options: NotesApiOptions): Koa {
  const logger = options.logger ?? pino({ level: 'silent' });
  const clock = options.clock ?? Date.now;
  const verify = accessTokenVerifier({
    issuer: options.issuer,
    audience: options.audience,
    keys: options.jwks ?? issuerKeys(options.issuer),
    clock,
  });
  const store = new NotesStore({
    clock,
    ...(options.maxNotesPerUser ? { maxPerUser: options.maxNotesPerUser } : {}),
  });

  const app = new Koa();
  // Failures are answered and logged by errorHandler; koa's own printer would only duplicate them.
  app.silent = true;

  const router = new Router<AuthState>();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  notesRoutes(router, {
    store,
    auth: bearerAuth(verify, logger, dpopVerifier({ clock })),
    bodyLimit: options.bodyLimit ?? 16 * 1024,
  });

  app.use(requestLog(logger));
  app.use(errorHandler(logger));
  app.use(securityHeaders);
  app.use(router.routes());
  // 405 (and 501 for unknown methods) with an `Allow` header; errorHandler gives them a JSON body.
  app.use(router.allowedMethods());
  return app;
}
