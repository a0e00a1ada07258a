import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar, IdpNavigationError, signInAtIdp, signOutAtIdp } from '../src/index.ts';
import { parseForms, submitsItself } from '../src/testing/html-form.ts';
import { authorizationRequest, CLIENT_ID, SPA_ORIGIN, startTestIdp, type TestIdp } from './support.ts';

describe('RP-initiated logout', () => {
  let t: TestIdp;
  let config: oidc.Configuration;
  beforeAll(async () => {
    t = await startTestIdp();
    config = await t.client();
  });
  afterAll(() => t.close());

  async function signIn(jar: CookieJar) {
    const request = await authorizationRequest(config, t.redirectUri);
    const { redirectUrl } = await signInAtIdp(request.url, 'alice', 'wonderland', jar);
    return oidc.authorizationCodeGrant(config, new URL(redirectUrl), {
      pkceCodeVerifier: request.codeVerifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
  }

  it('ends the IdP session without asking and redirects to the post_logout_redirect_uri', async () => {
    const jar = new CookieJar();
    const tokens = await signIn(jar);
    const sid = tokens.claims()?.['sid'];
    t.bff.logoutTokens.length = 0;

    const endSession = oidc.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token ?? '',
      post_logout_redirect_uri: `${SPA_ORIGIN}/`,
      state: 'bye',
    });
    const { redirectUrl, steps } = await signOutAtIdp(endSession.href, jar);

    expect(redirectUrl).toBe(`${SPA_ORIGIN}/?state=bye`);
    // GET end-session → self-submitting page → POST confirm → 303 to the SPA. Nothing waits for a click.
    expect(steps.map((step) => `${step.method} ${step.status}`)).toEqual(['GET 200', 'POST 303']);

    // The provider told the client's back channel, naming the session from the ID token.
    expect(t.bff.logoutTokens).toHaveLength(1);
    const { payload } = await jwtVerify(
      t.bff.logoutTokens[0] ?? '',
      createRemoteJWKSet(new URL(`${t.idp.url}/jwks`)),
      {
        issuer: t.idp.issuer,
        audience: CLIENT_ID,
        typ: 'logout+jwt',
      },
    );
    expect(payload).toMatchObject({ sub: 'alice', sid });
    expect(payload['events']).toHaveProperty(['http://schemas.openid.net/event/backchannel-logout']);

    // The IdP session is gone: the next authorization asks for credentials again.
    const again = await authorizationRequest(config, t.redirectUri);
    const result = await signInAtIdp(again.url, 'alice', 'wonderland', jar);
    expect(result.steps.some((step) => step.method === 'POST' && step.url.includes('/interaction/'))).toBe(
      true,
    );
  });

  it('serves the self-submitting page under a CSP that allows only its own script', async () => {
    const jar = new CookieJar();
    const tokens = await signIn(jar);
    const endSession = oidc.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token ?? '',
      post_logout_redirect_uri: `${SPA_ORIGIN}/`,
    });
    const response = await fetch(endSession, { headers: { cookie: jar.header(endSession) ?? '' } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(submitsItself(html)).toBe(true);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toContain('unsafe-inline');
    const [form] = parseForms(html);
    expect(form?.method).toBe('post');
    expect(form?.fields.map(([name]) => name).sort()).toEqual(['logout', 'xsrf']);
  });

  it('asks for confirmation when the request does not carry an id_token_hint', async () => {
    const jar = new CookieJar();
    await signIn(jar);
    const endSession = oidc.buildEndSessionUrl(config, { post_logout_redirect_uri: `${SPA_ORIGIN}/` });
    const error = await signOutAtIdp(endSession.href, jar).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IdpNavigationError);
    expect((error as Error).message).toMatch(/waits for the user/);
  });

  it('refuses a post_logout_redirect_uri that is not registered', async () => {
    const jar = new CookieJar();
    const tokens = await signIn(jar);
    const endSession = oidc.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token ?? '',
      post_logout_redirect_uri: 'https://evil.example/',
    });
    const response = await fetch(endSession, {
      redirect: 'manual',
      headers: { cookie: jar.header(endSession) ?? '' },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('post_logout_redirect_uri not registered');
  });
});
