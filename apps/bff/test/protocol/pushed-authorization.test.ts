import { signInAtIdp } from '@gatehouse/idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProvidersFile } from '../../src/config/providers-file.ts';
import { CookieJar } from '../support/cookie-jar.ts';
import { csrfHeaders, idpClient, SPA_ORIGIN, startHarness, type Harness } from '../support/harness.ts';

/** A client the dev IdP serves only through pushed authorization requests. */
const parClient = (bffUrl: string) => ({
  ...idpClient(bffUrl),
  client_id: 'gatehouse-par',
  require_pushed_authorization_requests: true,
});

function providers(pushed: boolean | undefined) {
  return (issuer: string) => [
    {
      name: 'par',
      issuer,
      clientId: 'gatehouse-par',
      clientSecret: 'gatehouse-dev-secret',
      scopes: ['openid', 'profile', 'email'],
      allowInsecureHttp: true,
      ...(pushed === undefined ? {} : { pushedAuthorizationRequests: pushed }),
    },
  ];
}

/** Signs in through `/auth/login` and the IdP, answering the redirect URL and the callback's response. */
async function signInThrough(h: Harness, jar: CookieJar) {
  const login = await h.request('/auth/login?returnTo=/dashboard', { jar });
  expect(login.status).toBe(302);
  const location = new URL(login.headers.get('location')!);
  const { redirectUrl } = await signInAtIdp(location.href, 'alice', 'wonderland');
  const back = new URL(redirectUrl);
  const callback = await h.request(`${back.pathname}${back.search}`, { jar });
  return { location, callback };
}

describe('pushed authorization requests (RFC 9126) asked for by configuration', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ idpClients: (bff) => [parClient(bff)], providers: providers(true) });
  });
  afterAll(() => h.close());

  it('sends the browser with only client_id and request_uri, and the sign-in completes', async () => {
    const jar = new CookieJar();
    const { location, callback } = await signInThrough(h, jar);
    expect([...location.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
    expect(location.searchParams.get('client_id')).toBe('gatehouse-par');
    expect(location.searchParams.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:/);
    expect(location.pathname).toBe('/auth');

    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe(`${SPA_ORIGIN}/dashboard`);
    const session = await h.request('/api/session', { jar, headers: csrfHeaders });
    expect(session.status).toBe(200);
    expect(await session.json()).toMatchObject({ user: { sub: 'alice' }, provider: 'par' });
  });
});

describe('pushed authorization requests required by the provider', () => {
  it('are used when discovery says require_pushed_authorization_requests, without configuration', async () => {
    const h = await startHarness({
      idpOptions: { requirePushedAuthorizationRequests: true },
      providers: (issuer) => providers(undefined)(issuer).map((p) => ({ ...p, clientId: 'gatehouse' })),
    });
    try {
      const jar = new CookieJar();
      const { location, callback } = await signInThrough(h, jar);
      expect([...location.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
      expect(callback.headers.get('location')).toBe(`${SPA_ORIGIN}/dashboard`);
    } finally {
      await h.close();
    }
  });

  it('a client that must push but is not configured to is refused by the IdP (the test can fail)', async () => {
    const h = await startHarness({ idpClients: (bff) => [parClient(bff)], providers: providers(false) });
    try {
      const login = await h.request('/auth/login', { jar: new CookieJar() });
      const location = new URL(login.headers.get('location')!);
      expect(location.searchParams.get('request_uri')).toBeNull();
      expect(location.searchParams.get('state')).not.toBeNull();
      const { redirectUrl } = await signInAtIdp(location.href, 'alice', 'wonderland');
      expect(new URL(redirectUrl).searchParams.get('error_description')).toMatch(
        /pushed authorization request must be used/i,
      );
    } finally {
      await h.close();
    }
  });

  it('a push the provider refuses sends the browser to the SPA with provider_unavailable', async () => {
    const h = await startHarness({
      idpClients: (bff) => [parClient(bff)],
      providers: (issuer) => providers(true)(issuer).map((p) => ({ ...p, clientSecret: 'not-the-secret' })),
    });
    try {
      const login = await h.request('/auth/login', { jar: new CookieJar() });
      expect(login.status).toBe(302);
      expect(login.headers.get('location')).toBe(`${SPA_ORIGIN}/?error=provider_unavailable`);
      expect(h.logs.text).toContain('pushed authorization request failed');
      expect(h.logs.text).not.toContain('not-the-secret');
    } finally {
      await h.close();
    }
  });
});

describe('pushedAuthorizationRequests configuration', () => {
  it('needs an issuer: the endpoint comes from discovery', () => {
    const plain = {
      name: 'octo',
      authorizationEndpoint: 'https://octo.example/authorize',
      tokenEndpoint: 'https://octo.example/token',
      userinfoEndpoint: 'https://octo.example/user',
      clientId: 'c',
      clientSecret: 's',
      pushedAuthorizationRequests: true,
    };
    expect(() => parseProvidersFile({ providers: [plain] }, {})).toThrow(
      /providers\.0 \("octo"\)\.pushedAuthorizationRequests: needs "issuer"/,
    );
  });
});
