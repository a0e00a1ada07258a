import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import express from 'express';
import eoc from 'express-openid-connect';
import { CLIENT_ID, CLIENT_SECRET } from '../fixtures/oidc.ts';
import { childOptions, listenOnLoopback, serveParent } from './child.ts';

/**
 * The peer: express-openid-connect, the usual way to keep OIDC in an Express server, on its defaults (an
 * encrypted cookie session, rolling). Its authenticated route answers the same `SessionInfo` JSON Gatehouse
 * answers. It signs in once at the local OP, as a browser would, and hands the parent its session cookie.
 */
export interface EocOptions {
  issuer: string;
}

export interface EocInfo {
  cookie: string;
}

// CommonJS: its named exports are spread into module.exports, which Node's ESM import cannot see.
const { auth, requiresAuth } = eoc;
const IDLE_MS = 30 * 60_000;
const ABSOLUTE_MS = 8 * 3600_000;

const { issuer } = childOptions<EocOptions>();
const app = express();
const server = createServer({ keepAliveTimeout: 65_000 }, app);
const port = await listenOnLoopback(server);
const baseURL = `http://127.0.0.1:${port}`;

app.use(
  auth({
    issuerBaseURL: issuer,
    baseURL,
    clientID: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    secret: randomBytes(32).toString('base64url'),
    idpLogout: false,
    authorizationParams: { response_type: 'code', scope: 'openid profile email' },
  }),
);
app.get('/api/session', requiresAuth(), (req, res) => {
  const claims = req.oidc.idTokenClaims!;
  const createdAt = Number(claims.auth_time ?? claims.iat) * 1000;
  res.json({
    user: {
      sub: claims.sub,
      name: claims.name ?? null,
      email: claims.email ?? null,
      picture: claims.picture ?? null,
    },
    provider: 'bench',
    createdAt: new Date(createdAt).toISOString(),
    expiresAt: new Date(createdAt + ABSOLUTE_MS).toISOString(),
    idleExpiresAt: new Date(Date.now() + IDLE_MS).toISOString(),
  });
});

/** Name=value pairs of a response's Set-Cookie headers. */
const cookiesOf = (response: Response): string[] =>
  response.headers.getSetCookie().map((cookie) => cookie.split(';')[0]!);

async function signInOnce(): Promise<string> {
  const login = await fetch(`${baseURL}/login`, { redirect: 'manual' });
  const transaction = cookiesOf(login).join('; ');
  const authorize = await fetch(login.headers.get('location')!, { redirect: 'manual' });
  const callback = await fetch(authorize.headers.get('location')!, {
    redirect: 'manual',
    headers: { cookie: transaction },
  });
  const session = cookiesOf(callback).filter((cookie) => cookie.startsWith('appSession'));
  if (callback.status !== 302 || session.length === 0) {
    throw new Error(`express-openid-connect sign-in failed: ${callback.status} ${await callback.text()}`);
  }
  return session.join('; ');
}

serveParent(port, { cookie: await signInOnce() } satisfies EocInfo);
