import { describe, expect, it } from 'vitest';
import { ConfigError, firstPartyClient, loadConfig } from '../src/config.ts';

describe('loadConfig', () => {
  it('works with no configuration at all', () => {
    expect(loadConfig({})).toEqual({
      port: 4000,
      issuer: 'http://localhost:4000',
      publicBffUrl: 'http://localhost:3000',
      spaOrigins: ['http://localhost:5173'],
      clientId: 'gatehouse',
      clientSecret: 'gatehouse-dev-secret',
      accessTokenTtl: 3600,
      apiAudience: 'http://localhost:4100',
      usersFile: undefined,
      logLevel: 'info',
    });
  });

  it('derives the default URLs from the ports', () => {
    const config = loadConfig({ IDP_PORT: '4400', BFF_PORT: '3300', SPA_PORT: '5500' });
    expect(config.issuer).toBe('http://localhost:4400');
    expect(config.publicBffUrl).toBe('http://localhost:3300');
    expect(config.spaOrigins).toEqual(['http://localhost:5500']);
    // The notes API moved with API_PORT: its tokens name it, as the BFF's resource for it does.
    expect(loadConfig({ API_PORT: '4600' }).apiAudience).toBe('http://localhost:4600');
  });

  it('takes explicit values, trimming lists and trailing slashes', () => {
    const config = loadConfig({
      IDP_ISSUER: 'https://idp.example.test',
      PUBLIC_BFF_URL: 'https://app.example.test/bff/',
      SPA_ORIGINS: ' https://app.example.test , http://localhost:5173/ ',
      DEV_CLIENT_ID: 'client',
      DEV_CLIENT_SECRET: 's3cret',
      IDP_ACCESS_TOKEN_TTL: '5',
      IDP_USERS_FILE: '/tmp/users.json',
      LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({
      issuer: 'https://idp.example.test',
      publicBffUrl: 'https://app.example.test/bff',
      spaOrigins: ['https://app.example.test', 'http://localhost:5173'],
      clientId: 'client',
      clientSecret: 's3cret',
      accessTokenTtl: 5,
      usersFile: '/tmp/users.json',
      logLevel: 'debug',
    });
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ IDP_PORT: '', SPA_ORIGINS: '' }).port).toBe(4000);
  });

  it.each([
    ['IDP_PORT', 'abc'],
    ['IDP_PORT', '70000'],
    ['IDP_ISSUER', 'not a url'],
    ['IDP_ISSUER', 'http://localhost:4000/idp'],
    ['IDP_ISSUER', 'http://localhost:4000/'],
    ['PUBLIC_BFF_URL', 'ftp://example.test'],
    ['SPA_ORIGINS', 'http://localhost:5173/app'],
    ['SPA_ORIGINS', ' , '],
    ['IDP_ACCESS_TOKEN_TTL', '0'],
    ['IDP_ACCESS_TOKEN_TTL', '1.5'],
    ['LOG_LEVEL', 'loud'],
  ])('refuses %s=%j and names the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^Invalid configuration:\\n${name}: `));
  });
});

describe('firstPartyClient', () => {
  it('registers the BFF callback, back channel and the SPA origins as post-logout targets', () => {
    expect(
      firstPartyClient({
        clientId: 'gatehouse',
        clientSecret: 'secret',
        publicBffUrl: 'http://localhost:3000/',
        spaOrigins: ['http://localhost:5173', 'https://app.example.test'],
      }),
    ).toEqual({
      client_id: 'gatehouse',
      client_secret: 'secret',
      client_name: 'Gatehouse',
      application_type: 'web',
      redirect_uris: ['http://localhost:3000/auth/callback'],
      post_logout_redirect_uris: ['http://localhost:5173/', 'https://app.example.test/'],
      backchannel_logout_uri: 'http://localhost:3000/auth/backchannel-logout',
      backchannel_logout_session_required: true,
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      id_token_signed_response_alg: 'RS256',
      default_acr_values: ['urn:gatehouse:acr:password'],
      require_auth_time: true,
    });
  });
});
