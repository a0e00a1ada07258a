import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/env.ts';
import { parseProviders, parseProvidersFile } from '../../src/config/providers-file.ts';

const github = {
  name: 'github',
  label: 'GitHub',
  authorizationEndpoint: 'https://github.com/login/oauth/authorize',
  tokenEndpoint: 'https://github.com/login/oauth/access_token',
  userinfoEndpoint: 'https://api.github.com/user',
  clientId: '${GITHUB_CLIENT_ID}',
  clientSecret: '${GITHUB_CLIENT_SECRET}',
  scopes: ['read:user', 'user:email'],
  claims: { sub: 'id', name: 'name', email: 'email', picture: 'avatar_url' },
};

describe('PROVIDERS_FILE', () => {
  it('reads the contract example, replacing ${VAR} from the environment', () => {
    const providers = parseProviders(
      {
        providers: [
          {
            name: 'dev',
            label: 'Dev IdP',
            issuer: 'http://localhost:4000',
            clientId: 'gatehouse',
            clientSecret: '${DEV_CLIENT_SECRET}',
            allowInsecureHttp: true,
          },
          github,
        ],
      },
      { DEV_CLIENT_SECRET: 's1', GITHUB_CLIENT_ID: 'id2', GITHUB_CLIENT_SECRET: 's2' },
    );
    expect(providers.map((p) => p.name)).toEqual(['dev', 'github']);
    expect(providers[0]!.clientSecret).toBe('s1');
    expect(providers[1]!.clientId).toBe('id2');
    expect(providers[1]!.claims).toEqual({ sub: 'id', name: 'name', email: 'email', picture: 'avatar_url' });
  });

  it('names a missing environment variable and where it is used', () => {
    expect(() => parseProviders({ providers: [github] }, { GITHUB_CLIENT_ID: 'x' })).toThrow(
      /providers\[0\]\.clientSecret uses \$\{GITHUB_CLIENT_SECRET\}/,
    );
  });

  it.each([
    [{ name: 'x', clientId: 'c' }, /needs "issuer"/],
    [
      {
        name: 'x',
        issuer: 'https://a.example',
        authorizationEndpoint: 'https://a.example/auth',
        clientId: 'c',
      },
      /not both/,
    ],
    [{ name: 'x', issuer: 'http://idp.example', clientId: 'c' }, /must be https/],
    [
      { name: 'x', issuer: 'http://idp.example', clientId: 'c', allowInsecureHttp: true },
      /only for a loopback/,
    ],
    [{ name: 'Bad Name', issuer: 'https://a.example', clientId: 'c' }, /name/],
    [
      { name: 'x', issuer: 'https://a.example', clientId: 'c', authorizationParams: { state: 'fixed' } },
      /set by Gatehouse/,
    ],
    [{ name: 'x', issuer: 'https://a.example', clientId: 'c', surprise: true }, /surprise|Unrecognized/],
  ])('refuses a misconfigured provider (%#)', (provider, message) => {
    expect(() => parseProviders({ providers: [provider] }, {})).toThrow(ConfigError);
    expect(() => parseProviders({ providers: [provider] }, {})).toThrow(message);
  });

  it('refuses duplicate names and an empty list', () => {
    const p = { name: 'x', issuer: 'https://a.example', clientId: 'c' };
    expect(() => parseProviders({ providers: [p, p] }, {})).toThrow(/duplicate/);
    expect(() => parseProviders({ providers: [] }, {})).toThrow(ConfigError);
  });
});

describe('allow, sessionClaims and require', () => {
  const dev = { name: 'corp', issuer: 'https://idp.example', clientId: 'c' };
  const parse = (file: unknown) => () => parseProvidersFile(file, {});

  it('accepts every rule kind, and an API requiring a kept claim', () => {
    const file = parseProvidersFile(
      {
        providers: [
          {
            ...dev,
            allow: {
              emails: ['a@example.com'],
              emailDomains: ['example.com'],
              subjects: ['s1'],
              claims: { groups: ['staff'] },
            },
            sessionClaims: ['groups'],
          },
        ],
        apis: [
          {
            name: 'notes',
            baseUrl: 'https://api.example',
            provider: 'corp',
            require: { claims: { groups: ['x'] } },
          },
        ],
      },
      {},
    );
    expect(file.providers[0]!.allow?.emailDomains).toEqual(['example.com']);
    expect(file.apis[0]!.require).toEqual({ claims: { groups: ['x'] } });
  });

  it.each([
    [{ allow: {} }, /providers\.0 \("corp"\)\.allow: needs at least one of/],
    [
      { allow: { emailDomains: ['@example.com'] } },
      /providers\.0 \("corp"\)\.allow\.emailDomains\.0: is not a domain/,
    ],
    [{ allow: { emails: ['not-an-email'] } }, /providers\.0 \("corp"\)\.allow\.emails\.0: is not an email/],
    [{ allow: { emails: [] } }, /providers\.0 \("corp"\)\.allow\.emails: needs at least one email/],
    [
      { allow: { claims: { groups: [] } } },
      /providers\.0 \("corp"\)\.allow\.claims\.groups: needs at least one value/,
    ],
    [{ allow: { claims: { groups: 'staff' } } }, /providers\.0 \("corp"\)\.allow\.claims\.groups/],
    [{ allow: { domains: ['example.com'] } }, /providers\.0 \("corp"\)\.allow.*domains/],
    [{ sessionClaims: ['no spaces'] }, /providers\.0 \("corp"\)\.sessionClaims\.0: is not a claim name/],
    [
      { emailsEndpoint: 'https://idp.example/emails' },
      /providers\.0 \("corp"\)\.emailsEndpoint: is for plain OAuth 2/,
    ],
  ])('stops start-up on invalid rules, naming the provider and the field (%#)', (extra, message) => {
    expect(parse({ providers: [{ ...dev, ...extra }] })).toThrow(ConfigError);
    expect(parse({ providers: [{ ...dev, ...extra }] })).toThrow(message);
  });

  it('refuses an API that requires a claim its provider does not keep', () => {
    expect(
      parse({
        providers: [dev],
        apis: [
          {
            name: 'notes',
            baseUrl: 'https://api.example',
            provider: 'corp',
            require: { claims: { groups: ['x'] } },
          },
        ],
      }),
    ).toThrow(/apis\.0 \("notes"\)\.require\.claims\.groups: is not kept by provider "corp"/);
  });
});
