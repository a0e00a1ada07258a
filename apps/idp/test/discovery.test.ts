import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIdp, type TestIdp } from './support.ts';

describe('discovery', () => {
  let t: TestIdp;
  beforeAll(async () => {
    t = await startTestIdp();
  });
  afterAll(() => t.close());

  it('computes the issuer from the port actually bound', () => {
    expect(t.idp.issuer).toMatch(/^http:\/\/localhost:\d+$/);
    expect(t.idp.issuer).not.toBe('http://localhost:0');
  });

  it('advertises code + PKCE S256, RFC 9207 iss, end-session and back-channel logout', async () => {
    const response = await fetch(`${t.idp.url}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const metadata = (await response.json()) as Record<string, unknown>;
    expect(metadata['issuer']).toBe(t.idp.issuer);
    expect(metadata['code_challenge_methods_supported']).toEqual(['S256']);
    expect(metadata['authorization_response_iss_parameter_supported']).toBe(true);
    expect(metadata['end_session_endpoint']).toBe(`${t.idp.issuer}/session/end`);
    expect(metadata['backchannel_logout_supported']).toBe(true);
    expect(metadata['backchannel_logout_session_supported']).toBe(true);
    expect(metadata['response_types_supported']).toEqual(['code']);
    expect(metadata['scopes_supported']).toEqual(
      expect.arrayContaining(['openid', 'profile', 'email', 'offline_access']),
    );
    expect(metadata['grant_types_supported']).toEqual(
      expect.arrayContaining(['authorization_code', 'refresh_token']),
    );
  });

  it('advertises PAR, private_key_jwt and the two acr levels', async () => {
    const metadata = (await (await fetch(`${t.idp.url}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(metadata['pushed_authorization_request_endpoint']).toBe(`${t.idp.issuer}/request`);
    expect(metadata['require_pushed_authorization_requests']).toBeUndefined();
    expect(metadata['token_endpoint_auth_methods_supported']).toEqual(
      expect.arrayContaining(['client_secret_basic', 'private_key_jwt']),
    );
    expect(metadata['acr_values_supported']).toEqual([
      'urn:gatehouse:acr:password',
      'urn:gatehouse:acr:password-again',
    ]);
  });

  it('publishes an RS256 signing key with a kid', async () => {
    const jwks = (await (await fetch(`${t.idp.url}/jwks`)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.any(String) });
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('refuses an authorization request without PKCE', async () => {
    const url = new URL(`${t.idp.url}/auth`);
    url.search = new URLSearchParams({
      client_id: 'gatehouse-test',
      response_type: 'code',
      scope: 'openid',
      redirect_uri: t.redirectUri,
      state: 'xyz',
    }).toString();
    const response = await fetch(url, { redirect: 'manual' });
    const location = new URL(response.headers.get('location') ?? '');
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toMatch(/PKCE/);
    expect(location.searchParams.get('code')).toBeNull();
  });
});
