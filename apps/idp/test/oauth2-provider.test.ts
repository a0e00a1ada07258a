import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  loadOAuth2Config,
  signInAtIdp,
  startOAuth2Provider,
  type RunningOAuth2Provider,
} from '../src/index.ts';
import { parseForms } from '../src/testing/html-form.ts';

/** Octo, the GitHub-like plain OAuth 2.0 provider, over real HTTP — and as openid-client sees it. */

const CLIENT_ID = 'gatehouse-octo';
const SECRET = 'octo-test-secret';
const CALLBACK = 'http://localhost:3999/auth/callback';

let now = Date.now();
let octo: RunningOAuth2Provider;
let config: oidc.Configuration;

beforeAll(async () => {
  octo = await startOAuth2Provider({
    port: 0,
    clients: [
      { clientId: CLIENT_ID, clientSecret: SECRET, redirectUris: [CALLBACK], name: 'Gatehouse' },
      {
        clientId: 'other',
        clientSecret: 'other-secret',
        redirectUris: ['http://localhost:3998/cb', 'http://localhost:3998/cb2'],
      },
    ],
    clock: () => now,
  });
  config = new oidc.Configuration(
    {
      issuer: octo.url,
      authorization_endpoint: `${octo.url}/login/oauth/authorize`,
      token_endpoint: `${octo.url}/login/oauth/access_token`,
    },
    CLIENT_ID,
    SECRET,
  );
  oidc.allowInsecureRequests(config);
});
afterAll(() => octo?.close());

interface Started {
  url: URL;
  state: string;
  verifier: string;
}

async function authorizationUrl(extra: Record<string, string> = {}): Promise<Started> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: CALLBACK,
    scope: 'read:user',
    state,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    ...extra,
  });
  return { url, state, verifier };
}

/** GET the sign-in page, post the form with credentials (or cancel); answers the POST's response. */
async function submitSignIn(
  url: URL | string,
  username: string,
  password: string,
  extra: [string, string][] = [],
) {
  const page = await fetch(url, { redirect: 'manual' });
  expect(page.status).toBe(200);
  const html = await page.text();
  const [form] = parseForms(html);
  if (!form) throw new Error('no form on the sign-in page');
  const body = new URLSearchParams([
    ...form.fields.filter(([name]) => name !== 'username'),
    ['username', username],
    ['password', password],
    ...extra,
  ]);
  const response = await fetch(new URL(form.action, url), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: body.toString(),
  });
  return { page, html, response };
}

async function signedIn(username = 'alice', password = 'wonderland', extra: Record<string, string> = {}) {
  const started = await authorizationUrl(extra);
  const { response } = await submitSignIn(started.url, username, password);
  expect(response.status).toBe(303);
  return { ...started, callback: new URL(response.headers.get('location') ?? '') };
}

const tokenRequest = (params: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(`${octo.url}/login/oauth/access_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...headers },
    body: new URLSearchParams(params).toString(),
  });

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('Octo with openid-client as a plain OAuth 2.0 server', () => {
  it('signs alice in with PKCE and state, issues a bearer token, and serves /user', async () => {
    const started = await authorizationUrl();
    const { page, html, response } = await submitSignIn(started.url, 'alice', 'wonderland');

    // The sign-in page: the IdP's style, its labels, a development banner, a strict CSP.
    expect(html).toContain('<title>Sign in — Octo (GitHub-like dev provider)</title>');
    expect(html).toContain('<label for="username">Username</label>');
    expect(html).toContain('<label for="password">Password</label>');
    expect(html).toContain('<button type="submit">Sign in</button>');
    expect(html).toMatch(/class="banner"[^>]*>Development identity provider/);
    expect(html).toContain('to continue to <strong>Gatehouse</strong>');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('content-security-policy')).toContain("script-src 'none'");
    expect(page.headers.get('cache-control')).toBe('no-store');

    expect(response.status).toBe(303);
    const callback = new URL(response.headers.get('location') ?? '');
    expect(`${callback.origin}${callback.pathname}`).toBe(CALLBACK);
    expect(callback.searchParams.get('state')).toBe(started.state);
    expect(callback.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(callback.searchParams.has('iss')).toBe(false);

    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: started.verifier,
      expectedState: started.state,
    });
    expect(tokens.access_token).toMatch(/^gho_/);
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.scope).toBe('read:user');
    expect(tokens.id_token).toBeUndefined();
    expect(tokens.refresh_token).toBeUndefined();

    const user = await oidc.fetchProtectedResource(
      config,
      tokens.access_token,
      new URL(`${octo.url}/user`),
      'GET',
    );
    expect(user.status).toBe(200);
    expect(user.headers.get('x-oauth-scopes')).toBe('read:user');
    expect(await user.json()).toEqual({
      id: 1001,
      login: 'alice',
      name: 'Alice Liddell',
      email: 'alice@example.com',
      avatar_url: null,
    });
  });

  it('works with the IdP test helper too (bob is 1002)', async () => {
    const started = await authorizationUrl();
    const { redirectUrl } = await signInAtIdp(started.url.href, 'bob', 'builder');
    const tokens = await oidc.authorizationCodeGrant(config, new URL(redirectUrl), {
      pkceCodeVerifier: started.verifier,
      expectedState: started.state,
    });
    const user = await oidc.fetchProtectedResource(
      config,
      tokens.access_token,
      new URL(`${octo.url}/user`),
      'GET',
    );
    expect(await user.json()).toMatchObject({ id: 1002, login: 'bob', email: 'bob@example.com' });
  });

  it('refuses a wrong PKCE verifier, and the code is spent by the attempt', async () => {
    const { callback, state, verifier } = await signedIn();
    await expect(
      oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: oidc.randomPKCECodeVerifier(),
        expectedState: state,
      }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(
      oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a replayed code and revokes the token it produced', async () => {
    const { callback, state, verifier } = await signedIn();
    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    await expect(
      oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
    const user = await fetch(`${octo.url}/user`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(user.status).toBe(401);
  });

  it('refuses a redirect_uri at the token endpoint that differs from the authorization request', async () => {
    const { callback, verifier } = await signedIn();
    const response = await tokenRequest(
      {
        grant_type: 'authorization_code',
        code: callback.searchParams.get('code') ?? '',
        redirect_uri: 'http://localhost:3999/auth/other',
        code_verifier: verifier,
      },
      { authorization: basic(CLIENT_ID, SECRET) },
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('expires codes after 60 seconds', async () => {
    const { callback, state, verifier } = await signedIn();
    now += 61_000;
    await expect(
      oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('expires access tokens after an hour', async () => {
    const { callback, state, verifier } = await signedIn();
    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    const user = () =>
      fetch(`${octo.url}/user`, { headers: { authorization: `token ${tokens.access_token}` } });
    expect((await user()).status).toBe(200);
    now += 60 * 60_000 + 1000;
    expect((await user()).status).toBe(401);
  });
});

describe('Octo token endpoint', () => {
  it('accepts client_secret in the form, answers JSON without caching', async () => {
    const { callback, verifier } = await signedIn();
    const response = await tokenRequest({
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code') ?? '',
      redirect_uri: CALLBACK,
      code_verifier: verifier,
      client_id: CLIENT_ID,
      client_secret: SECRET,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'scope', 'token_type']);
    expect(body).toMatchObject({ token_type: 'bearer', scope: 'read:user' });
  });

  it('refuses bad client authentication', async () => {
    const { callback, verifier } = await signedIn();
    const params = {
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code') ?? '',
      redirect_uri: CALLBACK,
      code_verifier: verifier,
    };
    const wrong = await tokenRequest(params, { authorization: basic(CLIENT_ID, 'wrong') });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Basic realm="octo"');
    expect(await wrong.json()).toMatchObject({ error: 'invalid_client' });
    const none = await tokenRequest(params);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: 'invalid_client' });
    const both = await tokenRequest(
      { ...params, client_secret: SECRET },
      { authorization: basic(CLIENT_ID, SECRET) },
    );
    expect(both.status).toBe(400);
    expect(await both.json()).toMatchObject({ error: 'invalid_request' });
    // Another registered client cannot redeem this client's code.
    const other = await tokenRequest(
      { ...params, redirect_uri: 'http://localhost:3998/cb' },
      { authorization: basic('other', 'other-secret') },
    );
    expect(await other.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses other grant types, missing codes and non-form bodies', async () => {
    const auth = { authorization: basic(CLIENT_ID, SECRET) };
    const refresh = await tokenRequest({ grant_type: 'refresh_token', refresh_token: 'x' }, auth);
    expect(await refresh.json()).toMatchObject({ error: 'unsupported_grant_type' });
    const noCode = await tokenRequest({ grant_type: 'authorization_code' }, auth);
    expect(await noCode.json()).toMatchObject({ error: 'invalid_request' });
    const unknown = await tokenRequest({ grant_type: 'authorization_code', code: 'nope' }, auth);
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: 'invalid_grant' });
    const json = await fetch(`${octo.url}/login/oauth/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: '{}',
    });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('PKCE is optional, but a verifier without a challenge is refused', async () => {
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'read:user', state });
    const first = await submitSignIn(url, 'alice', 'wonderland');
    const code = new URL(first.response.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const auth = { authorization: basic(CLIENT_ID, SECRET) };
    const params = { grant_type: 'authorization_code', code, redirect_uri: CALLBACK };
    const downgrade = await tokenRequest({ ...params, code_verifier: oidc.randomPKCECodeVerifier() }, auth);
    expect(await downgrade.json()).toMatchObject({ error: 'invalid_grant' });

    const second = await submitSignIn(url, 'alice', 'wonderland');
    const code2 = new URL(second.response.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const ok = await tokenRequest({ ...params, code: code2 }, auth);
    expect(ok.status).toBe(200);
  });
});

describe('Octo authorization endpoint', () => {
  const authorize = (params: Record<string, string>) =>
    fetch(`${octo.url}/login/oauth/authorize?${new URLSearchParams(params).toString()}`, {
      redirect: 'manual',
    });

  it('shows an error page, never a redirect, for an unknown client or redirect_uri', async () => {
    const cases: Record<string, string>[] = [
      { client_id: 'nobody', redirect_uri: CALLBACK, state: 's' },
      { client_id: CLIENT_ID, redirect_uri: 'http://evil.test/auth/callback', state: 's' },
      { client_id: CLIENT_ID, redirect_uri: `${CALLBACK}/`, state: 's' },
      { client_id: CLIENT_ID, redirect_uri: `${CALLBACK}?x=1`, state: 's' },
      { client_id: 'other', state: 's' }, // two registered URIs: redirect_uri is required
    ];
    for (const params of cases) {
      const response = await authorize(params);
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await response.text()).toContain('Request refused');
    }
  });

  it('uses the only registered redirect URI when none is given', async () => {
    const { response } = await submitSignIn(
      `${octo.url}/login/oauth/authorize?client_id=${CLIENT_ID}&state=abc`,
      'alice',
      'wonderland',
    );
    const location = new URL(response.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(CALLBACK);
    const token = await tokenRequest(
      { grant_type: 'authorization_code', code: location.searchParams.get('code') ?? '' },
      { authorization: basic(CLIENT_ID, SECRET) },
    );
    expect(token.status).toBe(200);
  });

  it('sends other errors back to the client with state', async () => {
    const base = { client_id: CLIENT_ID, redirect_uri: CALLBACK, state: 'st' };
    for (const [params, error] of [
      [{ ...base, code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' }, 'invalid_request'],
      [{ ...base, code_challenge: 'short', code_challenge_method: 'S256' }, 'invalid_request'],
      [{ ...base, response_type: 'token' }, 'unsupported_response_type'],
      [{ ...base, scope: 'read:user "x' }, 'invalid_scope'],
    ] as const) {
      const response = await authorize(params);
      expect(response.status).toBe(302);
      const location = new URL(response.headers.get('location') ?? '');
      expect(`${location.origin}${location.pathname}`).toBe(CALLBACK);
      expect(location.searchParams.get('error')).toBe(error);
      expect(location.searchParams.get('state')).toBe('st');
      expect(location.searchParams.has('code')).toBe(false);
    }
  });

  it('re-renders the page on a wrong password, escaping what it echoes', async () => {
    const started = await authorizationUrl({ state: '"><script>alert(1)</script>' });
    const { response } = await submitSignIn(started.url, '<img src=x onerror=alert(1)>', 'nope');
    expect(response.status).toBe(200);
    expect(response.headers.get('location')).toBeNull();
    const html = await response.text();
    expect(html).toContain('Invalid username or password.');
    expect(html).toContain('value="&lt;img src=x onerror=alert(1)&gt;"');
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");

    const error = await signInAtIdp(started.url.href, 'alice', 'not-the-password').catch((e: unknown) => e);
    expect((error as Error).message).toContain('Invalid username or password.');
  });

  it('Cancel goes back to the client with access_denied', async () => {
    const started = await authorizationUrl();
    const { response } = await submitSignIn(started.url, '', '', [['cancel', '1']]);
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location') ?? '');
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe(started.state);
  });

  it('answers /user without a token, unknown paths and wrong methods properly', async () => {
    const user = await fetch(`${octo.url}/user`);
    expect(user.status).toBe(401);
    expect(user.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await fetch(`${octo.url}/user`, { headers: { authorization: 'Bearer gho_nope' } })).status).toBe(
      401,
    );
    const missing = await fetch(`${octo.url}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: 'not_found' });
    const method = await fetch(`${octo.url}/login/oauth/access_token`);
    expect(method.status).toBe(405);
    expect(method.headers.get('allow')).toBe('POST');
    const form = await fetch(`${octo.url}/session`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(form.status).toBe(415);
    expect(form.headers.get('content-type')).toMatch(/^text\/html/);
  });
});

describe('loadOAuth2Config', () => {
  it('defaults: port 4001, client gatehouse-octo, the BFF callback', () => {
    expect(loadOAuth2Config({})).toEqual({
      port: 4001,
      clientId: 'gatehouse-octo',
      clientSecret: 'octo-dev-secret',
      redirectUri: 'http://localhost:3000/auth/callback',
    });
    expect(
      loadOAuth2Config({ OAUTH2_PORT: '5001', PUBLIC_BFF_URL: 'https://bff.test/', OCTO_CLIENT_SECRET: 's' }),
    ).toMatchObject({ port: 5001, clientSecret: 's', redirectUri: 'https://bff.test/auth/callback' });
    expect(loadOAuth2Config({ OAUTH2_PORT: 'off' }).port).toBeNull();
  });

  it('names an invalid variable', () => {
    expect(() => loadOAuth2Config({ OAUTH2_PORT: 'nope' })).toThrow(ConfigError);
    expect(() => loadOAuth2Config({ OAUTH2_PORT: 'nope' })).toThrow(/OAUTH2_PORT/);
  });
});
