import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { betterAuth } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import { toNodeHandler } from 'better-auth/node';
import { childOptions, listenOnLoopback, serveParent } from './child.ts';

/**
 * The second peer: Better Auth, the most used TypeScript auth framework, on its defaults — its SQLite database
 * (better-sqlite3, the driver Gatehouse's file store uses), email and password sign-in — or with its cookie
 * cache on, which answers `get-session` from a signed cookie for up to five minutes instead of the database.
 * One user signs up at start, as a browser would; the parent gets the session cookies and asks
 * `GET /api/auth/get-session`, Better Auth's session route.
 */
export interface BetterAuthOptions {
  workDir: string;
  cookieCache: boolean;
}

export interface BetterAuthInfo {
  cookie: string;
}

const { workDir, cookieCache } = childOptions<BetterAuthOptions>();
const server = createServer({ keepAliveTimeout: 65_000 });
const port = await listenOnLoopback(server);
const baseURL = `http://127.0.0.1:${port}`;
const database = new Database(join(workDir, `better-auth-${process.pid}.sqlite`));
const auth = betterAuth({
  baseURL,
  secret: randomBytes(32).toString('base64url'),
  database,
  emailAndPassword: { enabled: true },
  ...(cookieCache ? { session: { cookieCache: { enabled: true, maxAge: 5 * 60 } } } : {}),
});
await (await getMigrations(auth.options)).runMigrations();
server.on('request', toNodeHandler(auth));

const signUp = await fetch(`${baseURL}/api/auth/sign-up/email`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', origin: baseURL },
  body: JSON.stringify({ email: 'ada@example.com', password: 'correct horse battery', name: 'Ada' }),
});
const cookie = signUp.headers
  .getSetCookie()
  .map((c) => c.split(';')[0]!)
  .join('; ');
if (signUp.status !== 200 || !cookie.includes('session_token')) {
  throw new Error(`Better Auth sign-up failed: ${signUp.status} ${await signUp.text()}`);
}

serveParent(port, { cookie } satisfies BetterAuthInfo, {}, () => {
  server.closeAllConnections();
  server.close();
  database.close();
});
