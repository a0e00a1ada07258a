import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/env.ts';
import { parseProvidersFile } from '../../src/config/providers-file.ts';
import { CookieJar } from '../support/cookie-jar.ts';
import { csrfHeaders, idpClient, SPA_ORIGIN, startHarness, type Harness } from '../support/harness.ts';

/** Two keys: `new-2026` (a JWK from the environment) signs; `old-2025` (a PEM file) is still published. */
const newKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const oldKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-pkjwt-'));
const pemFile = join(dir, 'old.pem');
writeFileSync(pemFile, oldKey.privateKey.export({ format: 'pem', type: 'pkcs8' }));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = {
  CLIENT_JWK: JSON.stringify(newKey.privateKey.export({ format: 'jwk' })),
  CLIENT_KEY_FILE: pemFile,
};

function providersFile(issuer: string, clientKeys: unknown[]) {
  return parseProvidersFile(
    {
      providers: [
        {
          name: 'signed',
          issuer,
          clientId: 'gatehouse-pkjwt',
          clientKeys,
          scopes: ['openid', 'profile', 'email'],
          allowInsecureHttp: true,
        },
      ],
    },
    env,
  ).providers;
}
const rotatedKeys = [
  { kid: 'new-2026', jwk: '${CLIENT_JWK}' },
  { kid: 'old-2025', pemFile: '${CLIENT_KEY_FILE}' },
];

/** The BFF's registration at the IdP as a private_key_jwt client: by its jwks_uri, or with inline keys. */
function pkjwtClient(bffUrl: string, keys: 'jwks_uri' | { kid: string; key: KeyObject }[]) {
  const { client_secret: _secret, ...client } = idpClient(bffUrl);
  return {
    ...client,
    client_id: 'gatehouse-pkjwt',
    token_endpoint_auth_method: 'private_key_jwt',
    ...(keys === 'jwks_uri'
      ? { jwks_uri: `${bffUrl}/auth/jwks.json` }
      : { jwks: { keys: keys.map(({ kid, key }) => ({ ...key.export({ format: 'jwk' }), kid })) } }),
  };
}

async function signIn(h: Harness) {
  const jar = new CookieJar();
  const callback = await h.signIn(jar, { returnTo: '/dashboard' });
  const session = await h.request('/api/session', { jar, headers: csrfHeaders });
  return { callback, session };
}

describe('private_key_jwt client authentication (RFC 7523)', () => {
  it('serves the public halves of every key at /auth/jwks.json, the signing key first', async () => {
    const h = await startHarness({ providers: (issuer) => providersFile(issuer, rotatedKeys) });
    try {
      const response = await h.request('/auth/jwks.json');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('application/jwk-set+json');
      const { keys } = (await response.json()) as { keys: Record<string, unknown>[] };
      expect(keys.map((k) => [k.kid, k.kty, k.alg, k.use])).toEqual([
        ['new-2026', 'EC', 'ES256', 'sig'],
        ['old-2025', 'RSA', 'RS256', 'sig'],
      ]);
      expect(keys[0]).toMatchObject(newKey.publicKey.export({ format: 'jwk' }));
      for (const key of keys)
        for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key).not.toHaveProperty(secret);
    } finally {
      await h.close();
    }
  });

  it('signs in with a provider that fetches the keys from the BFF’s jwks_uri', async () => {
    const h = await startHarness({
      idpClients: (bff) => [pkjwtClient(bff, 'jwks_uri')],
      providers: (issuer) => providersFile(issuer, rotatedKeys),
    });
    try {
      const { callback, session } = await signIn(h);
      expect(callback.headers.get('location')).toBe(`${SPA_ORIGIN}/dashboard`);
      expect(session.status).toBe(200);
      expect(await session.json()).toMatchObject({ user: { sub: 'alice' }, provider: 'signed' });
    } finally {
      await h.close();
    }
  });

  it('signs with the first key: a provider that knows only that one accepts the assertion', async () => {
    const h = await startHarness({
      idpClients: (bff) => [pkjwtClient(bff, [{ kid: 'new-2026', key: newKey.publicKey }])],
      providers: (issuer) => providersFile(issuer, rotatedKeys),
    });
    try {
      const { callback, session } = await signIn(h);
      expect(callback.headers.get('location')).toBe(`${SPA_ORIGIN}/dashboard`);
      expect(session.status).toBe(200);
    } finally {
      await h.close();
    }
  });

  it('a key the provider does not hold is refused by it: no session, /?error=login_failed', async () => {
    const h = await startHarness({
      idpClients: (bff) => [pkjwtClient(bff, [{ kid: 'old-2025', key: oldKey.publicKey }])],
      providers: (issuer) => providersFile(issuer, rotatedKeys),
    });
    try {
      const { callback, session } = await signIn(h);
      expect(callback.headers.get('location')).toBe(`${SPA_ORIGIN}/?error=login_failed`);
      expect(session.status).toBe(401);
      expect(h.logs.text).toContain('invalid_client');
      expect(h.logs.text).not.toContain(JSON.parse(env.CLIENT_JWK).d as string);
    } finally {
      await h.close();
    }
  });

  it('a pushed authorization request is authenticated with the assertion too', async () => {
    const h = await startHarness({
      idpClients: (bff) => [{ ...pkjwtClient(bff, 'jwks_uri'), require_pushed_authorization_requests: true }],
      providers: (issuer) =>
        providersFile(issuer, rotatedKeys).map((p) => ({ ...p, pushedAuthorizationRequests: true })),
    });
    try {
      const login = await h.request('/auth/login', { jar: new CookieJar() });
      expect(new URL(login.headers.get('location')!).searchParams.get('request_uri')).toMatch(/^urn:/);
      const { session } = await signIn(h);
      expect(session.status).toBe(200);
    } finally {
      await h.close();
    }
  });
});

describe('clientKeys configuration', () => {
  const invalid = (clientKeys: unknown, extra: Record<string, unknown> = {}) => {
    try {
      parseProvidersFile(
        {
          providers: [{ name: 'signed', issuer: 'https://idp.example', clientId: 'c', clientKeys, ...extra }],
        },
        env,
      );
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error('the configuration was accepted');
  };

  it('accepts a JWK text from the environment and a PEM file', () => {
    const [provider] = providersFile('http://localhost:4000', rotatedKeys);
    expect(provider!.clientKeys!.map((key) => [key.kid, key.alg])).toEqual([
      ['new-2026', 'ES256'],
      ['old-2025', 'RS256'],
    ]);
  });

  it('refuses a public key, an unreadable file, a weak RSA key and a clientSecret beside keys, naming the field', () => {
    const publicOnly = JSON.stringify(newKey.publicKey.export({ format: 'jwk' }));
    expect(invalid([{ kid: 'a', jwk: publicOnly }])).toContain(
      'providers.0 ("signed").clientKeys.0.jwk: is not a private key',
    );
    expect(invalid([{ kid: 'a', pemFile: join(dir, 'missing.pem') }])).toContain(
      'clientKeys.0.pemFile: cannot be read (ENOENT)',
    );
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'jwk' });
    expect(invalid([{ kid: 'a', jwk: weak }])).toContain('shorter than 2048 bits');
    expect(invalid(rotatedKeys, { clientSecret: 's' })).toContain('not both');
    expect(invalid([{ kid: 'a', jwk: env.CLIENT_JWK, alg: 'RS256' }])).toContain('clientKeys.0.alg');
    expect(invalid([rotatedKeys[0], rotatedKeys[0]])).toContain('clientKeys.1.kid: is a duplicate');
  });

  it('never puts key material into its messages', () => {
    const message = invalid([{ kid: 'a', jwk: env.CLIENT_JWK, alg: 'RS256' }]);
    expect(message).not.toContain(JSON.parse(env.CLIENT_JWK).d as string);
  });
});
