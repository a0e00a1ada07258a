import { listen, ServiceError } from '@gatehouse/shared/server';
import { createServer, type Server } from 'node:http';
import Koa from 'koa';
import { pino, type Logger } from 'pino';
import { demoUsers, UserDirectory, type DemoUser } from '../users.ts';
import { authorizePage, send, SESSION_PATH, signIn } from './authorize.ts';
import { ClientRegistry, type OAuth2Client } from './clients.ts';
import { GrantStore } from './grants.ts';
import { octoMessagePage } from './pages.ts';
import { accessToken } from './token.ts';
import { octoEmails, octoUsers, userEndpoint } from './user-endpoint.ts';

/**
 * "Octo": a plain OAuth 2.0 authorization server shaped like GitHub's OAuth apps, for development and tests
 * of the BFF's non-OpenID providers. No discovery, no ID token, no refresh token; codes and tokens in memory.
 *
 * | route                               | what it is                                                  |
 * | ----------------------------------- | ----------------------------------------------------------- |
 * | `GET  /login/oauth/authorize`       | validates the request, shows the sign-in page               |
 * | `POST /session`                     | the sign-in form: redirects to the client with code & state |
 * | `POST /login/oauth/access_token`    | code (+ PKCE) → `{access_token, token_type, scope}` (JSON)  |
 * | `GET  /user`                        | `{id, login, name, email, avatar_url}` for a Bearer token   |
 * | `GET  /user/emails`                 | `[{email, primary, verified, visibility}]`, like GitHub's   |
 */

export const OCTO_PATHS = {
  authorize: '/login/oauth/authorize',
  token: '/login/oauth/access_token',
  user: '/user',
  emails: '/user/emails',
} as const;

export interface StartOAuth2ProviderOptions {
  /** 0 picks a free port. */
  port: number;
  /** Defaults to Node's default (all interfaces). */
  host?: string;
  clients: readonly OAuth2Client[];
  /** Defaults to the demo users alice (id 1001) and bob (id 1002). */
  users?: readonly DemoUser[];
  /** Defaults to a silent logger. */
  logger?: Logger;
  /** Milliseconds since the epoch, for code and token expiry (default `Date.now`). */
  clock?: () => number;
}

export interface RunningOAuth2Provider {
  /** `http://localhost:<the port actually bound>` (or the host given). */
  url: string;
  close(): Promise<void>;
}

type Route = { methods: string[]; handle: (ctx: Koa.Context) => void | Promise<void>; html: boolean };

/** Builds the provider's request handler (it does not listen). */
export function createOAuth2Provider(options: Omit<StartOAuth2ProviderOptions, 'port' | 'host'>): Koa {
  const logger = options.logger ?? pino({ level: 'silent' });
  const users = options.users ?? demoUsers;
  const clients = new ClientRegistry(options.clients);
  const directory = new UserDirectory(users);
  const grants = new GrantStore(options.clock);
  const deps = { clients, users: directory, grants, logger };

  const routes = new Map<string, Route>([
    [OCTO_PATHS.authorize, { methods: ['GET', 'HEAD'], handle: authorizePage(deps), html: true }],
    [SESSION_PATH, { methods: ['POST'], handle: signIn(deps), html: true }],
    [OCTO_PATHS.token, { methods: ['POST'], handle: accessToken(deps), html: false }],
    [
      OCTO_PATHS.user,
      { methods: ['GET', 'HEAD'], handle: userEndpoint(grants, octoUsers(users)), html: false },
    ],
    [
      OCTO_PATHS.emails,
      { methods: ['GET', 'HEAD'], handle: userEndpoint(grants, octoEmails(users)), html: false },
    ],
  ]);

  const app = new Koa();
  app.silent = true;
  app.use(async (ctx) => {
    ctx.set({ 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' });
    const route = routes.get(ctx.path);
    const fail = (status: number, title: string, message: string) => {
      if (route?.html) send(ctx, status, octoMessagePage(title, message));
      else {
        ctx.status = status;
        ctx.body = {
          error: status === 405 ? 'method_not_allowed' : status === 404 ? 'not_found' : 'server_error',
          message,
        };
      }
    };
    if (!route) return fail(404, 'Not found', 'Not Found');
    if (!route.methods.includes(ctx.method)) {
      ctx.set('allow', route.methods.join(', '));
      return fail(405, 'Method not allowed', 'This page does not accept that request.');
    }
    try {
      await route.handle(ctx);
    } catch (error) {
      if (error instanceof ServiceError) return fail(error.status, 'Request refused', error.message);
      logger.error({ err: error, path: ctx.path }, 'octo: request failed');
      fail(500, 'Something went wrong', 'The request could not be completed.');
    }
  });
  return app;
}

/** Starts the GitHub-like provider on its own HTTP server. Development and tests only. */
export async function startOAuth2Provider(
  options: StartOAuth2ProviderOptions,
): Promise<RunningOAuth2Provider> {
  const { port, host, ...providerOptions } = options;
  const app = createOAuth2Provider(providerOptions);
  const server: Server = createServer({ maxHeaderSize: 16 * 1024, requestTimeout: 30_000 }, app.callback());
  const { url, close } = await listen(server, port, host);
  (options.logger ?? pino({ level: 'silent' })).info(
    { url, clients: options.clients.map((client) => client.clientId) },
    'octo (GitHub-like dev provider) started — for development and tests only',
  );
  return { url, close };
}
