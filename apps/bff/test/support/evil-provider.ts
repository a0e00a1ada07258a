import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import type { CookieJar } from './cookie-jar.ts';

/**
 * A local OpenID provider the tests control, one misbehaviour at a time: discovery, a JWKS, an authorization
 * endpoint that redirects straight back with a code (no sign-in page), a token endpoint (code with PKCE and
 * client_secret_basic, and refresh), and UserInfo. It behaves correctly until told otherwise with
 * `misbehave(...)`; `behave()` puts it right again.
 *
 * Every code and token it hands out is kept in `issued`, so a test can search responses and logs for them.
 * It also signs tokens the test shapes itself (`sign`), e.g. back-channel logout tokens.
 */

export type IdTokenSigning =
  /** RS256 with the published key and its kid. */
  | 'valid'
  /** RS256 with a key that is not published, under the published kid: a bad signature. */
  | 'wrong-key'
  /** A valid token whose payload was changed afterwards. */
  | 'tampered'
  /** `alg: none`, no signature. */
  | 'none'
  /** HS256 with the client secret as the MAC key. */
  | 'hs256-client-secret'
  /** RS256 with the published key, no kid in the header. */
  | 'no-kid'
  /** RS256 with a key that is not published, under its own unknown kid. */
  | 'unknown-kid'
  /** ES256 with the published EC key and its kid (see `algorithms`). */
  | 'es256';

export interface Misbehaviour {
  /** Shapes the claims of the ID token from the code exchange (the defaults are correct). */
  idToken?: (claims: JWTPayload) => JWTPayload;
  /** Shapes the claims of the ID token from a refresh. */
  refreshIdToken?: (claims: JWTPayload) => JWTPayload;
  /** How ID tokens are signed. */
  signing?: IdTokenSigning;
  /** What the JWKS publishes: the keys with their kids, or (all) keys without any kid. */
  jwks?: 'normal' | 'without-kids';
  /** The RFC 9207 `iss` of the authorization response: left out, or another value. */
  authorizationIss?: { omit: true } | { value: string };
  /** Answer the authorization request with this error instead of a code. */
  authorizationError?: string;
  /** Shapes the UserInfo answer. */
  userinfo?: (claims: Record<string, unknown>) => Record<string, unknown>;
  /** Shapes the token endpoint's JSON (code and refresh alike). */
  tokenResponse?: (body: Record<string, unknown>) => Record<string, unknown>;
  /** Answer a refresh with this OAuth error (e.g. `invalid_grant`). */
  refreshError?: string;
}

export interface EvilProviderOptions {
  clientId?: string;
  clientSecret?: string;
  /** The issuer the discovery document claims; defaults to the real one. */
  discoveryIssuer?: string;
  /** Extra or overriding discovery metadata. */
  metadata?: Record<string, unknown>;
  /** Access token lifetime in seconds. */
  accessTokenTtl?: number;
  user?: { sub: string; name: string; email: string };
  /**
   * `id_token_signing_alg_values_supported` (default `["RS256"]`). With `ES256` among them, an EC P-256 key is
   * published in the JWKS too, so tokens signed with it (`signing: 'es256'`) carry a signature that checks out.
   */
  algorithms?: string[];
}

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  codeChallengeMethod: string;
  nonce: string | undefined;
  scope: string;
  used: boolean;
}

export interface EvilProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  user: { sub: string; name: string; email: string };
  /** The current signing key (compatible with the former mock provider). */
  readonly privateKey: CryptoKey;
  readonly kid: string;
  /** Every code, access, refresh and ID token handed out. */
  readonly issued: Set<string>;
  /** Paths requested, in order (`/jwks`, `/token`, …). */
  readonly requests: string[];
  /** The query of the last authorization request. */
  readonly lastAuthorizationRequest: URLSearchParams | undefined;
  misbehave(misbehaviour: Misbehaviour): void;
  behave(): void;
  /** A new signing key appears in the JWKS (beside the old one) and signs from now on. */
  rotateKeys(): Promise<string>;
  /** Signs a token the test shaped itself; the header defaults to a logout token's (`typ: logout+jwt`). */
  sign(
    payload: JWTPayload,
    options?: { alg?: string; typ?: string | null; key?: CryptoKey; kid?: string | null },
  ): Promise<string>;
  close(): Promise<void>;
}

const b64url = (value: Buffer | string): string => Buffer.from(value).toString('base64url');
const random = (): string => randomBytes(32).toString('base64url');

async function newKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

async function newEcKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

async function readBody(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

export async function startEvilProvider(options: EvilProviderOptions = {}): Promise<EvilProvider> {
  const clientId = options.clientId ?? 'gatehouse';
  const clientSecret = options.clientSecret ?? 'evil-provider-client-secret';
  const user = options.user ?? { sub: 'eve', name: 'Eve Evil', email: 'eve@evil.example' };
  const accessTokenTtl = options.accessTokenTtl ?? 300;
  const keys: SigningKey[] = [await newKey('evil-key-1')];
  const attackerKey = await newKey('evil-unpublished');
  const algorithms = options.algorithms ?? ['RS256'];
  const ecKey = algorithms.includes('ES256') ? await newEcKey('evil-ec-1') : undefined;
  let current = keys[0]!;
  let misbehaviour: Misbehaviour = {};
  const codes = new Map<string, PendingCode>();
  const accessTokens = new Set<string>();
  const refreshTokens = new Set<string>();
  const issued = new Set<string>();
  const requests: string[] = [];
  let lastAuthorizationRequest: URLSearchParams | undefined;
  let issuer = '';

  const remember = (value: string): string => {
    issued.add(value);
    return value;
  };

  async function signIdToken(claims: JWTPayload): Promise<string> {
    const signing = misbehaviour.signing ?? 'valid';
    switch (signing) {
      case 'none':
        return `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}.`;
      case 'hs256-client-secret':
        return new SignJWT(claims)
          .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
          .sign(new TextEncoder().encode(clientSecret));
      case 'tampered': {
        const token = await new SignJWT(claims)
          .setProtectedHeader({ alg: 'RS256', kid: current.kid, typ: 'JWT' })
          .sign(current.privateKey);
        const [header, , signature] = token.split('.');
        return `${header}.${b64url(JSON.stringify({ ...claims, name: 'Someone Else' }))}.${signature}`;
      }
      case 'es256': {
        if (!ecKey) throw new Error('signing es256 needs ES256 among the algorithms');
        return new SignJWT(claims)
          .setProtectedHeader({ alg: 'ES256', kid: ecKey.kid, typ: 'JWT' })
          .sign(ecKey.privateKey);
      }
      default: {
        const key = signing === 'wrong-key' || signing === 'unknown-kid' ? attackerKey : current;
        const header: { alg: string; typ: string; kid?: string } = { alg: 'RS256', typ: 'JWT' };
        if (signing === 'valid' || signing === 'wrong-key') header.kid = current.kid;
        if (signing === 'unknown-kid') header.kid = attackerKey.kid;
        return new SignJWT(claims).setProtectedHeader(header).sign(key.privateKey);
      }
    }
  }

  function clientAuthenticated(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    if (!header.startsWith('Basic ')) return false;
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const id = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
    const secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
    return id === clientId && secret === clientSecret;
  }

  async function tokenResponse(idClaims: JWTPayload, shape?: (c: JWTPayload) => JWTPayload) {
    const accessToken = remember(random());
    const refreshToken = remember(random());
    accessTokens.add(accessToken);
    refreshTokens.add(refreshToken);
    const idToken = remember(await signIdToken(shape ? shape(idClaims) : idClaims));
    const body: Record<string, unknown> = {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: accessTokenTtl,
      refresh_token: refreshToken,
      id_token: idToken,
      scope: 'openid profile email offline_access',
    };
    return misbehaviour.tokenResponse ? misbehaviour.tokenResponse(body) : body;
  }

  function baseClaims(extra: JWTPayload = {}): JWTPayload {
    const now = Math.floor(Date.now() / 1000);
    return { iss: issuer, sub: user.sub, aud: clientId, iat: now, exp: now + 300, sid: 'evil-sid', ...extra };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', issuer);
    requests.push(url.pathname);
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(res, 200, {
        issuer: options.discoveryIssuer ?? issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        userinfo_endpoint: `${issuer}/userinfo`,
        jwks_uri: `${issuer}/jwks`,
        end_session_endpoint: `${issuer}/session/end`,
        response_types_supported: ['code'],
        grant_types_supported: ['authorization_code', 'refresh_token'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: algorithms,
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic'],
        authorization_response_iss_parameter_supported: true,
        backchannel_logout_supported: true,
        backchannel_logout_session_supported: true,
        ...options.metadata,
      });
    }
    if (url.pathname === '/jwks') {
      const published = [...keys, ...(ecKey ? [ecKey] : [])].map((k) => k.jwk);
      const withoutKids = published.map(({ kid: _kid, ...jwk }) => jwk);
      return json(res, 200, { keys: misbehaviour.jwks === 'without-kids' ? withoutKids : published });
    }
    if (url.pathname === '/authorize') {
      const q = url.searchParams;
      lastAuthorizationRequest = q;
      const redirectUri = q.get('redirect_uri');
      if (q.get('client_id') !== clientId || !redirectUri || q.get('response_type') !== 'code') {
        return json(res, 400, { error: 'invalid_request' });
      }
      const back = new URL(redirectUri);
      const state = q.get('state');
      if (state !== null) back.searchParams.set('state', state);
      if (misbehaviour.authorizationError) {
        back.searchParams.set('error', misbehaviour.authorizationError);
      } else {
        const code = remember(random());
        codes.set(code, {
          clientId,
          redirectUri,
          codeChallenge: q.get('code_challenge') ?? '',
          codeChallengeMethod: q.get('code_challenge_method') ?? 'plain',
          nonce: q.get('nonce') ?? undefined,
          scope: q.get('scope') ?? '',
          used: false,
        });
        back.searchParams.set('code', code);
      }
      const iss = misbehaviour.authorizationIss;
      if (!iss) back.searchParams.set('iss', issuer);
      else if ('value' in iss) back.searchParams.set('iss', iss.value);
      res.writeHead(302, { location: back.href });
      return void res.end();
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      const form = await readBody(req);
      if (!clientAuthenticated(req)) return json(res, 401, { error: 'invalid_client' });
      if (form.get('grant_type') === 'authorization_code') {
        const pending = codes.get(form.get('code') ?? '');
        if (!pending || pending.used) return json(res, 400, { error: 'invalid_grant' });
        pending.used = true;
        const verifier = form.get('code_verifier') ?? '';
        const challenge = createHash('sha256').update(verifier).digest('base64url');
        if (
          pending.codeChallengeMethod !== 'S256' ||
          challenge !== pending.codeChallenge ||
          form.get('redirect_uri') !== pending.redirectUri
        ) {
          return json(res, 400, { error: 'invalid_grant' });
        }
        const claims = baseClaims(pending.nonce === undefined ? {} : { nonce: pending.nonce });
        return json(res, 200, await tokenResponse(claims, misbehaviour.idToken));
      }
      if (form.get('grant_type') === 'refresh_token') {
        const presented = form.get('refresh_token') ?? '';
        if (misbehaviour.refreshError) return json(res, 400, { error: misbehaviour.refreshError });
        if (!refreshTokens.has(presented)) return json(res, 400, { error: 'invalid_grant' });
        refreshTokens.delete(presented);
        return json(res, 200, await tokenResponse(baseClaims(), misbehaviour.refreshIdToken));
      }
      return json(res, 400, { error: 'unsupported_grant_type' });
    }
    if (url.pathname === '/userinfo') {
      const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      if (!accessTokens.has(bearer)) return json(res, 401, { error: 'invalid_token' });
      const claims: Record<string, unknown> = { sub: user.sub, name: user.name, email: user.email };
      return json(res, 200, misbehaviour.userinfo ? misbehaviour.userinfo(claims) : claims);
    }
    return json(res, 404, { error: 'not_found' });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => json(res, 500, { error: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://localhost:${(server.address() as AddressInfo).port}`;

  return {
    issuer,
    clientId,
    clientSecret,
    user,
    get privateKey() {
      return current.privateKey;
    },
    get kid() {
      return current.kid;
    },
    issued,
    requests,
    get lastAuthorizationRequest() {
      return lastAuthorizationRequest;
    },
    misbehave(next) {
      misbehaviour = next;
    },
    behave() {
      misbehaviour = {};
    },
    async rotateKeys() {
      current = await newKey(`evil-key-${keys.length + 1}`);
      keys.unshift(current);
      return current.kid;
    },
    sign(payload, signOptions = {}) {
      const header: Record<string, unknown> = { alg: signOptions.alg ?? 'RS256' };
      if (signOptions.kid !== null) header.kid = signOptions.kid ?? current.kid;
      if (signOptions.typ !== null) header.typ = signOptions.typ ?? 'logout+jwt';
      return new SignJWT(payload)
        .setProtectedHeader(header as { alg: string })
        .sign(signOptions.key ?? current.privateKey);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What a browser does against the evil provider: /auth/login, the provider's redirect, /auth/callback. */
export async function signInThroughEvil(
  request: (path: string, init?: RequestInit & { jar?: CookieJar }) => Promise<Response>,
  jar: CookieJar,
  options: {
    provider?: string;
    returnTo?: string;
    query?: Record<string, string>;
    headers?: Record<string, string>;
  } = {},
): Promise<{ login: Response; authorizeUrl: URL; callbackUrl: URL | null; callback: Response | null }> {
  const query = new URLSearchParams({ provider: options.provider ?? 'evil', ...options.query });
  if (options.returnTo !== undefined) query.set('returnTo', options.returnTo);
  const login = await request(`/auth/login?${query}`, { jar, headers: options.headers });
  const authorizeUrl = new URL(login.headers.get('location') ?? 'about:blank');
  if (login.status !== 302 || authorizeUrl.protocol !== 'http:') {
    return { login, authorizeUrl, callbackUrl: null, callback: null };
  }
  const authorized = await fetch(authorizeUrl, { redirect: 'manual' });
  const location = authorized.headers.get('location');
  if (authorized.status !== 302 || !location) {
    return { login, authorizeUrl, callbackUrl: null, callback: null };
  }
  const callbackUrl = new URL(location);
  const callback = await request(`${callbackUrl.pathname}${callbackUrl.search}`, { jar });
  return { login, authorizeUrl, callbackUrl, callback };
}
