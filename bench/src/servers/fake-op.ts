import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { accessTokenClaims, ALICE, CALLBACK_NONCE, idTokenClaims, SCOPES } from '../fixtures/oidc.ts';
import { childOptions, listenOnLoopback, serveParent } from './child.ts';

/**
 * A minimal local OpenID provider: discovery, JWKS, an authorization endpoint that approves at once, and a
 * token endpoint. A code from `/authorize` gets an ID token signed for its nonce (how the express-openid-connect
 * peer signs in once); any other code gets the response signed once at start for `CALLBACK_NONCE` (the callback
 * scenario's pre-signed ID token), so the token endpoint costs the same small, constant work every time.
 * No userinfo endpoint: the ID token carries the profile, and the token endpoint is the only provider call.
 */
export interface FakeOpOptions {
  /** The audience of the access tokens (the proxied API). */
  audience: string;
}

export interface FakeOpInfo {
  issuer: string;
}

const { audience } = childOptions<FakeOpOptions>();
const TTL_S = 24 * 3600;
const KID = 'bench-op-key-1';
const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
const jwks = JSON.stringify({
  keys: [{ ...(await exportJWK(publicKey)), kid: KID, alg: 'RS256', use: 'sig' }],
});

const sign = (claims: Record<string, unknown>, typ: string, key: CryptoKey = privateKey): Promise<string> =>
  new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ, kid: KID }).sign(key);

async function tokenResponse(issuer: string, nonce: string): Promise<string> {
  const nowS = Math.floor(Date.now() / 1000);
  return JSON.stringify({
    access_token: await sign(accessTokenClaims(ALICE, { issuer, audience, nowS, ttlS: TTL_S }), 'at+jwt'),
    token_type: 'Bearer',
    expires_in: 3600,
    refresh_token: randomBytes(32).toString('base64url'),
    scope: SCOPES.join(' '),
    id_token: await sign(
      idTokenClaims(ALICE, { issuer, nonce, sid: 'bench-sid-1', nowS, ttlS: TTL_S }),
      'JWT',
    ),
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, body: string): void {
  res.writeHead(200, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

const issued = new Map<string, string>(); // code → nonce, for codes from /authorize
let issuer = '';
let metadata = '';
let preSigned = '';

const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  const url = new URL(req.url ?? '/', issuer);
  if (url.pathname === '/.well-known/openid-configuration') return json(res, metadata);
  if (url.pathname === '/jwks') return json(res, jwks);
  if (url.pathname === '/authorize') {
    const code = randomBytes(16).toString('base64url');
    issued.set(code, url.searchParams.get('nonce') ?? '');
    const back = new URL(url.searchParams.get('redirect_uri') ?? '');
    back.searchParams.set('code', code);
    back.searchParams.set('state', url.searchParams.get('state') ?? '');
    back.searchParams.set('iss', issuer);
    res.writeHead(302, { Location: back.href, 'Content-Length': 0 }).end();
    return;
  }
  if (url.pathname === '/token' && req.method === 'POST') {
    void readBody(req).then(async (body) => {
      const code = new URLSearchParams(body).get('code') ?? '';
      const nonce = issued.get(code);
      issued.delete(code);
      json(res, nonce === undefined ? preSigned : await tokenResponse(issuer, nonce));
    });
    return;
  }
  res.writeHead(404, { 'Content-Length': 0 }).end();
});

const port = await listenOnLoopback(server);
issuer = `http://127.0.0.1:${port}`;
metadata = JSON.stringify({
  issuer,
  authorization_endpoint: `${issuer}/authorize`,
  token_endpoint: `${issuer}/token`,
  jwks_uri: `${issuer}/jwks`,
  response_types_supported: ['code'],
  response_modes_supported: ['query'],
  grant_types_supported: ['authorization_code', 'refresh_token'],
  subject_types_supported: ['public'],
  id_token_signing_alg_values_supported: ['RS256'],
  token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
  code_challenge_methods_supported: ['S256'],
  scopes_supported: SCOPES,
  claims_supported: ['sub', 'name', 'email', 'email_verified', 'sid', 'nonce', 'auth_time'],
  authorization_response_iss_parameter_supported: true,
});
preSigned = await tokenResponse(issuer, CALLBACK_NONCE);
serveParent(port, { issuer } satisfies FakeOpInfo);
