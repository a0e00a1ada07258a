import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startNotesApi, type RunningNotesApi } from '@gatehouse/api';
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  SignJWT,
  type CryptoKey,
  type JWTPayload,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Token checks in detail, with locally made keys and tokens (the IdP cannot be made to sign bad ones). */

const ISSUER = 'https://issuer.test';
const AUDIENCE = 'http://localhost:4100';

let privateKey: CryptoKey;
let otherKey: CryptoKey;
let api: RunningNotesApi;

async function token(
  claims: JWTPayload = {},
  header: Record<string, unknown> = {},
  key: CryptoKey | Uint8Array = privateKey,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  // Undefined claims are left out of the JSON: `{ sub: undefined }` makes a token without `sub`.
  const payload = {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'alice',
    iat: now,
    exp: now + 300,
    client_id: 'gatehouse',
  };
  return new SignJWT({ ...payload, scope: 'api', ...claims })
    .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: 'k1', ...header })
    .sign(key);
}

const get = (bearer: string, base = api.url) =>
  fetch(`${base}/notes`, { headers: { authorization: `Bearer ${bearer}` } });

async function refused(bearer: string, message?: RegExp): Promise<void> {
  const response = await get(bearer);
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  const body = (await response.json()) as { error: string; message: string };
  expect(body.error).toBe('invalid_token');
  if (message) expect(body.message).toMatch(message);
}

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  privateKey = pair.privateKey;
  otherKey = (await generateKeyPair('RS256')).privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  api = await startNotesApi({
    port: 0,
    issuer: ISSUER,
    audience: AUDIENCE,
    jwks: createLocalJWKSet({ keys: [jwk] }),
    maxNotesPerUser: 3,
  });
});
afterAll(() => api?.close());

describe('access token verification', () => {
  it('accepts a well-formed token (aud may be an array; typ application/at+jwt too)', async () => {
    expect((await get(await token())).status).toBe(200);
    expect((await get(await token({ aud: ['http://other', AUDIENCE] }))).status).toBe(200);
    expect((await get(await token({}, { typ: 'application/at+jwt' }))).status).toBe(200);
  });

  it('refuses an ID token or any JWT without typ at+jwt', async () => {
    await refused(await token({}, { typ: 'JWT' }), /typ/);
    await refused(await token({}, { typ: undefined }), /typ/);
  });

  it('refuses the wrong issuer or audience', async () => {
    await refused(await token({ iss: 'https://evil.test' }), /iss/);
    await refused(await token({ aud: 'http://localhost:4200' }), /not meant for this API/);
  });

  it('refuses expired and not-yet-valid tokens', async () => {
    const now = Math.floor(Date.now() / 1000);
    await refused(await token({ iat: now - 600, exp: now - 60 }), /expired/);
    await refused(await token({ nbf: now + 600 }), /nbf/);
  });

  it('refuses tokens without sub or client_id', async () => {
    await refused(await token({ sub: '' }), /sub/);
    await refused(await token({ sub: undefined }), /sub/);
    await refused(await token({ exp: undefined }), /exp/);
    await refused(await token({ client_id: undefined }), /client_id/);
  });

  it('refuses a token signed by another key, an HMAC token and alg none', async () => {
    await refused(await token({}, {}, otherKey), /signature/);
    await refused(await token({}, { kid: 'unknown' }, otherKey), /signature/);
    await refused(await token({}, { alg: 'HS256' }, new TextEncoder().encode('x'.repeat(32))));
    const payload = (await token()).split('.')[1];
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt', kid: 'k1' })).toString('base64url');
    await refused(`${none}.${payload}.`);
  });

  it('refuses garbage without a 500', async () => {
    await refused('a.b.c', /malformed/);
    await refused('x'.repeat(9000), /too long/);
    await refused('not-a-jwt', /not a JWT/);
    await refused(`${Buffer.from('{"alg":"RS256"').toString('base64url')}.e30.AAAA`);
  });
});

describe('notes limits', () => {
  it('caps the notes per user with 409 limit_reached', async () => {
    const bearer = await token({ sub: 'carol' });
    const add = (text: string) =>
      fetch(`${api.url}/notes`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ text, extra: 'ignored' }),
      });
    for (const text of ['one', 'two', 'three']) expect((await add(text)).status).toBe(201);
    const full = await add('four');
    expect(full.status).toBe(409);
    expect(await full.json()).toMatchObject({ error: 'limit_reached' });
    const notes = (await (await get(bearer)).json()) as { text: string }[];
    expect(notes).toEqual([
      expect.objectContaining({ text: 'three' }),
      expect.objectContaining({ text: 'two' }),
      expect.objectContaining({ text: 'one' }),
    ]);
    expect(Object.keys(notes[0] ?? {}).sort()).toEqual(['createdAt', 'id', 'text']);
  });
});

describe('issuer keys from discovery', () => {
  /** A stand-in issuer whose discovery document can be switched on and off. */
  async function fakeIssuer(jwks: object) {
    const state = { up: false, issuer: '' };
    const server: Server = createServer((req, res) => {
      if (!state.up) return void res.writeHead(503).end();
      res.setHeader('content-type', 'application/json');
      if (req.url === '/.well-known/openid-configuration') {
        res.end(JSON.stringify({ issuer: state.issuer, jwks_uri: `${url}/jwks` }));
      } else if (req.url === '/jwks') {
        res.end(JSON.stringify(jwks));
      } else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    state.issuer = url;
    return {
      url,
      state,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }

  it('answers 503 while the issuer is unreachable or inconsistent, and recovers', async () => {
    const pair = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'e1', alg: 'ES256' };
    const issuer = await fakeIssuer({ keys: [jwk] });
    const notes = await startNotesApi({ port: 0, issuer: issuer.url, audience: AUDIENCE });
    try {
      const now = Math.floor(Date.now() / 1000);
      const bearer = await new SignJWT({ client_id: 'c' })
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'e1' })
        .setIssuer(issuer.url)
        .setAudience(AUDIENCE)
        .setSubject('dave')
        .setIssuedAt(now)
        .setExpirationTime(now + 60)
        .sign(pair.privateKey);

      const down = await get(bearer, notes.url);
      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({ error: 'temporarily_unavailable' });

      issuer.state.up = true;
      issuer.state.issuer = 'https://someone-else.test';
      expect((await get(bearer, notes.url)).status).toBe(503);

      issuer.state.issuer = issuer.url;
      expect((await get(bearer, notes.url)).status).toBe(200);
    } finally {
      await notes.close();
      await issuer.close();
    }
  });
});
