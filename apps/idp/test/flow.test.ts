import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar, IdpNavigationError, signInAtIdp } from '../src/index.ts';
import { parseForms } from '../src/testing/html-form.ts';
import { API_AUDIENCE, authorizationRequest, CLIENT_ID, startTestIdp, type TestIdp } from './support.ts';

describe('authorization code flow with PKCE', () => {
  let t: TestIdp;
  let config: oidc.Configuration;
  beforeAll(async () => {
    t = await startTestIdp({ accessTokenTtl: 5 });
    config = await t.client();
  });
  afterAll(() => t.close());

  it('signs alice in, redirects back with code, state and iss, and issues tokens', async () => {
    const request = await authorizationRequest(config, t.redirectUri);
    const { redirectUrl, steps } = await signInAtIdp(request.url, 'alice', 'wonderland');

    // The chain: authorize → sign-in page → POST credentials → resume → (auto-)consent → resume → client.
    expect(steps[0]).toMatchObject({ method: 'GET', status: 303 });
    expect(steps.find((step) => step.method === 'POST')).toMatchObject({ status: 303 });
    expect(steps.filter((step) => step.status === 200)).toHaveLength(1);

    const callback = new URL(redirectUrl);
    expect(`${callback.origin}${callback.pathname}`).toBe(t.redirectUri);
    expect(callback.searchParams.get('state')).toBe(request.state);
    expect(callback.searchParams.get('iss')).toBe(t.idp.issuer);
    expect(callback.searchParams.get('code')).toBeTruthy();

    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: request.codeVerifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    expect(claims).toMatchObject({
      iss: t.idp.issuer,
      aud: CLIENT_ID,
      sub: 'alice',
      name: 'Alice Liddell',
      email: 'alice@example.com',
      email_verified: true,
      nonce: request.nonce,
    });
    expect(claims?.['sid']).toEqual(expect.any(String));
    expect(decodeJwt(tokens.id_token ?? '')).toMatchObject({ sub: 'alice' });
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.expires_in).toBeLessThanOrEqual(5);
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(tokens.scope?.split(' ')).toEqual(expect.arrayContaining(['openid', 'profile', 'email']));

    // The default access token is meant for userinfo (the BFF loads the profile with it).
    const info = await oidc.fetchUserInfo(config, tokens.access_token, 'alice');
    expect(info).toMatchObject({
      sub: 'alice',
      name: 'Alice Liddell',
      email: 'alice@example.com',
      picture: null,
    });

    // Refresh tokens rotate: the new one works, the spent one is refused.
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token ?? '');
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(refreshed.refresh_token).toEqual(expect.any(String));
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(refreshed.claims()).toMatchObject({ sub: 'alice' });
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token ?? '')).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('issues a refresh token to the first-party client even without offline_access', async () => {
    const request = await authorizationRequest(config, t.redirectUri, 'openid profile email');
    const { redirectUrl } = await signInAtIdp(request.url, 'bob', 'builder');
    const tokens = await oidc.authorizationCodeGrant(config, new URL(redirectUrl), {
      pkceCodeVerifier: request.codeVerifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
    expect(tokens.claims()).toMatchObject({ sub: 'bob', name: 'Bob Builder', email: 'bob@example.com' });
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token ?? '');
    expect(refreshed.access_token).toEqual(expect.any(String));
  });

  it('answers a JWT access token for the API when the token request names it as resource', async () => {
    const request = await authorizationRequest(config, t.redirectUri);
    const { redirectUrl } = await signInAtIdp(request.url, 'alice', 'wonderland');
    const tokens = await oidc.authorizationCodeGrant(config, new URL(redirectUrl), {
      pkceCodeVerifier: request.codeVerifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
    const forApi = await oidc.refreshTokenGrant(config, tokens.refresh_token ?? '', {
      resource: API_AUDIENCE,
    });
    const jwks = createRemoteJWKSet(new URL(`${t.idp.url}/jwks`));
    const { payload, protectedHeader } = await jwtVerify(forApi.access_token, jwks, {
      issuer: t.idp.issuer,
      audience: API_AUDIENCE,
      typ: 'at+jwt',
    });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({ sub: 'alice', client_id: CLIENT_ID });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(5);
  });

  it('skips the form when the IdP session already exists', async () => {
    const jar = new CookieJar();
    const first = await authorizationRequest(config, t.redirectUri);
    await signInAtIdp(first.url, 'alice', 'wonderland', jar);
    const second = await authorizationRequest(config, t.redirectUri);
    const { redirectUrl, steps } = await signInAtIdp(second.url, 'ignored', 'ignored', jar);
    expect(new URL(redirectUrl).searchParams.get('code')).toBeTruthy();
    expect(steps.every((step) => step.method === 'GET' && step.status === 303)).toBe(true);
  });

  it('refuses a wrong password on its own page and issues no code', async () => {
    const request = await authorizationRequest(config, t.redirectUri);
    const error = await signInAtIdp(request.url, 'alice', 'not-the-password').catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(IdpNavigationError);
    expect((error as Error).message).toContain('Invalid username or password.');
    const steps = (error as IdpNavigationError).steps;
    const post = steps.at(-1);
    expect(post).toMatchObject({ method: 'POST', status: 200, location: undefined });
    expect(new URL(post?.url ?? '').origin).toBe(t.idp.issuer);
    expect(steps.some((step) => step.location?.startsWith(t.redirectUri))).toBe(false);
  });

  it('re-renders the sign-in page with the error, the username kept and everything escaped', async () => {
    const request = await authorizationRequest(config, t.redirectUri);
    const jar = new CookieJar();
    // Walk to the sign-in page by hand, then post a hostile username.
    let url = request.url;
    let response: Response;
    for (;;) {
      response = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header(url) ?? '' } });
      jar.store(url, response);
      if (response.status !== 303) break;
      url = new URL(response.headers.get('location') ?? '', url).href;
    }
    const page = await response.text();
    const [form] = parseForms(page);
    const action = new URL(form?.action ?? '', url).href;
    const posted = await fetch(action, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: jar.header(action) ?? '', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: '<script>alert(1)</script>', password: 'x' }).toString(),
    });
    expect(posted.status).toBe(200);
    expect(posted.headers.get('location')).toBeNull();
    const html = await posted.text();
    expect(html).toContain('Invalid username or password.');
    expect(html).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('<label for="username">Username</label>');
    expect(html).toContain('<button type="submit">Sign in</button>');
    expect(posted.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(posted.headers.get('cache-control')).toBe('no-store');

    // Reloading that answer (a GET of the form's URL) goes back to the sign-in form.
    const reload = await fetch(action, { redirect: 'manual', headers: { cookie: jar.header(action) ?? '' } });
    expect(reload.status).toBe(303);
    expect(new URL(reload.headers.get('location') ?? '', action).href).toBe(url);
  });

  it('answers a stale or foreign interaction with an HTML error page, not a stack trace', async () => {
    const response = await fetch(`${t.idp.url}/interaction/doesnotexist`);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(await response.text()).toContain('Sign-in expired');
  });
});
