import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { resolveEncryptionKeys } from '../../src/config/encryption-keys.ts';
import { ConfigError, parseConfig } from '../../src/config/env.ts';
import { weakKeyReason } from '../../src/config/key-strength.ts';
import { parseProviders } from '../../src/config/providers-file.ts';
import { startBffProcess } from '../support/bff-process.ts';

/**
 * `NODE_ENV=production` refuses to start with insecure settings, naming the variable to fix (ASVS 5.0
 * V13.4.2, V3.3.1, V3.4.1, V12.2.1, V11.5.1). Loopback stays allowed: the single-host production shape
 * (docker-compose, everything on localhost) must still start.
 */
const GOOD_KEY = `k1:${randomBytes(32).toString('base64')}`;
const production = (env: Record<string, string>) =>
  parseConfig({
    NODE_ENV: 'production',
    PUBLIC_BFF_URL: 'https://bff.example.com',
    SPA_ORIGINS: 'https://app.example.com',
    SESSION_ENCRYPTION_KEYS: GOOD_KEY,
    ...env,
  });

describe('parseConfig in production', () => {
  it('accepts https origins, and loopback over http (the docker-compose shape)', () => {
    expect(production({}).env).toBe('production');
    expect(
      production({
        PUBLIC_BFF_URL: 'http://localhost:3000',
        SPA_ORIGINS: 'http://localhost:5173,http://127.0.0.1:5173',
      }).publicUrl,
    ).toBe('http://localhost:3000');
  });

  it.each([
    ['COOKIE_SECURE', { COOKIE_SECURE: 'false', SESSION_COOKIE_NAME: 'gatehouse' }],
    ['PUBLIC_BFF_URL', { PUBLIC_BFF_URL: 'http://bff.example.com' }],
    ['PUBLIC_BFF_URL', { PUBLIC_BFF_URL: 'http://10.0.0.5:3000' }],
    ['SPA_ORIGINS', { SPA_ORIGINS: 'http://app.example.com' }],
    ['SPA_ORIGINS', { SPA_ORIGINS: 'https://app.example.com,http://admin.example.com' }],
  ])('refuses an insecure %s', (name, env) => {
    expect(() => production(env)).toThrow(ConfigError);
    expect(() => production(env)).toThrow(new RegExp(`${name}: .*NODE_ENV=production`));
  });

  it('allows the same settings outside production', () => {
    expect(parseConfig({ COOKIE_SECURE: 'false', SESSION_COOKIE_NAME: 'gatehouse' }).cookieSecure).toBe(
      false,
    );
    expect(parseConfig({ PUBLIC_BFF_URL: 'http://bff.example.com' }).publicUrl).toBe(
      'http://bff.example.com',
    );
  });
});

describe('token encryption keys in production', () => {
  const keysFor = (value: string | undefined, env = 'production') =>
    resolveEncryptionKeys(
      parseConfig({
        NODE_ENV: env,
        SESSION_STORE: 'memory',
        ...(value === undefined ? {} : { SESSION_ENCRYPTION_KEYS: value }),
      }),
    );
  const b64 = (bytes: Buffer | number[]) => Buffer.from(bytes).toString('base64');

  it('refuses a missing key', () => {
    expect(() => keysFor(undefined)).toThrow(/SESSION_ENCRYPTION_KEYS: required when NODE_ENV=production/);
  });

  it.each([
    ['all zero bytes', b64(Buffer.alloc(32))],
    ['one byte repeated', b64(Buffer.alloc(32, 0x41))],
    ['a 16-byte pattern twice', b64(Buffer.from('0123456789abcdef0123456789abcdef'))],
    ['a 3-byte pattern', b64(Array.from({ length: 32 }, (_, i) => [7, 8, 9][i % 3]!))],
    ['a passphrase', b64(Buffer.from('correct horse battery staple!!!!'))],
    ['few distinct bytes', b64(Array.from({ length: 32 }, (_, i) => (i * 7) % 5))],
  ])('refuses a weak key: %s', (_name, key) => {
    expect(() => keysFor(`k1:${key}`)).toThrow(/SESSION_ENCRYPTION_KEYS: key "k1" is weak/);
    expect(() => keysFor(`${GOOD_KEY},old:${key}`)).toThrow(/key "old" is weak/);
  });

  it('accepts random keys, and does not judge keys outside production', () => {
    expect(keysFor(GOOD_KEY)).toHaveLength(1);
    expect(keysFor(`k1:${b64(Buffer.alloc(32))}`, 'development')).toHaveLength(1);
    for (let i = 0; i < 2000; i += 1) expect(weakKeyReason(randomBytes(32))).toBeNull();
  });
});

describe('providers in production', () => {
  it('refuses an http issuer off loopback, even with allowInsecureHttp', () => {
    const provider = (issuer: string, allowInsecureHttp?: boolean) => ({
      providers: [{ name: 'corp', issuer, clientId: 'c', clientSecret: 's', allowInsecureHttp }],
    });
    expect(() => parseProviders(provider('http://login.example.com'), {})).toThrow(/issuer: must be https/);
    expect(() => parseProviders(provider('http://login.example.com', true), {})).toThrow(
      /allowInsecureHttp: is allowed only for a loopback issuer/,
    );
    expect(parseProviders(provider('http://localhost:4000', true), {})).toHaveLength(1);
  });

  it('refuses an unsigned or MAC-signed ID token algorithm in configuration', () => {
    for (const alg of ['none', 'HS256']) {
      const file = {
        providers: [
          { name: 'corp', issuer: 'https://login.example.com', clientId: 'c', idTokenSignedResponseAlg: alg },
        ],
      };
      expect(() => parseProviders(file, {})).toThrow(/idTokenSignedResponseAlg/);
    }
  });
});

describe('the real server refuses to start', () => {
  it.each([
    ['COOKIE_SECURE', { COOKIE_SECURE: 'false', SESSION_COOKIE_NAME: 'gatehouse' }],
    ['SESSION_ENCRYPTION_KEYS', { SESSION_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32).toString('base64')}` }],
  ])('exits with 78 naming %s', async (name, env) => {
    const start = startBffProcess({
      NODE_ENV: 'production',
      SESSION_STORE: 'memory',
      SESSION_ENCRYPTION_KEYS: GOOD_KEY,
      ...env,
    });
    await expect(start).rejects.toThrow(new RegExp(`exited with 78[\\s\\S]*${name}`));
  });
});
