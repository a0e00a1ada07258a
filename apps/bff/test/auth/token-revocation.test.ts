import { startIdp } from '@gatehouse/idp';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenSet } from '../../src/tokens/token-set.ts';
import { openTokens } from '../../src/tokens/sealed-tokens.ts';
import { CookieJar } from '../support/cookie-jar.ts';
import { csrfHeaders, idpClient, startHarness, type Harness } from '../support/harness.ts';
import { sparePort } from '../support/redis-server.ts';

/** RFC 7009 at sign-out, revoke and sign-out-everywhere, as the dev IdP sees it. */

let h: Harness;
/** The BFF's own client at the IdP, to try the tokens the way the BFF would have. */
let client: oidc.Configuration;

beforeAll(async () => {
  h = await startHarness();
  client = await oidc.discovery(
    new URL(h.idp.issuer),
    h.config.devClient.clientId,
    h.config.devClient.clientSecret,
    undefined,
    { execute: [oidc.allowInsecureRequests] },
  );
});
afterAll(async () => {
  await h.close();
});

async function signIn(
  user = 'alice',
  password = 'wonderland',
): Promise<{ jar: CookieJar; tokens: TokenSet; handle: string }> {
  const jar = new CookieJar();
  const before = new Set((await h.deps.store.listByUser('dev', user)).map(([handle]) => handle));
  expect((await h.signIn(jar, { user, password })).status).toBe(302);
  // The test clock stands still, so sessions created "at once" are told apart by what is new.
  const sessions = await h.deps.store.listByUser('dev', user);
  const [handle, session] = sessions.find(([key]) => !before.has(key))!;
  return { jar, handle, tokens: openTokens(h.deps.cipher, session.tokens, 'dev', user) };
}

/** Whether the IdP still honours a refresh token (a refused one throws `invalid_grant`). */
async function refreshWorks(refreshToken: string): Promise<boolean> {
  try {
    await oidc.refreshTokenGrant(client, refreshToken);
    return true;
  } catch (error) {
    expect((error as { error?: unknown }).error).toBe('invalid_grant');
    return false;
  }
}

const accessTokenActive = async (accessToken: string): Promise<boolean> =>
  (await oidc.tokenIntrospection(client, accessToken)).active;

describe('revocation at the provider', () => {
  it('the dev IdP advertises a revocation endpoint', () => {
    expect(h.deps.providers.get('dev')!.serverMetadata().revocation_endpoint).toMatch(/\/token\/revocation$/);
  });

  it('a live session’s tokens work at the IdP (the control)', async () => {
    const { tokens } = await signIn();
    expect(await accessTokenActive(tokens.accessToken)).toBe(true);
    expect(await refreshWorks(tokens.refreshToken!)).toBe(true);
  });

  it('sign-out revokes the refresh token and the access token, and the IdP refuses them', async () => {
    const { jar, tokens } = await signIn();
    const logout = await h.request('/auth/logout', { method: 'POST', jar, headers: csrfHeaders });
    expect(logout.status).toBe(200);
    await expect.poll(() => accessTokenActive(tokens.accessToken)).toBe(false);
    await expect.poll(() => refreshWorks(tokens.refreshToken!)).toBe(false);
  });

  it('revoking one session revokes its tokens and leaves the others’', async () => {
    const current = await signIn('bob', 'builder');
    const other = await signIn('bob', 'builder');
    const response = await h.request(`/api/sessions/${other.handle}`, {
      method: 'DELETE',
      jar: current.jar,
      headers: csrfHeaders,
    });
    expect(response.status).toBe(204);
    await expect.poll(() => accessTokenActive(other.tokens.accessToken)).toBe(false);
    expect(await refreshWorks(other.tokens.refreshToken!)).toBe(false);
    expect(await accessTokenActive(current.tokens.accessToken)).toBe(true);
  });

  it('signing out everywhere revokes every session’s tokens', async () => {
    const first = await signIn('carol', 'hearts');
    const second = await signIn('carol', 'hearts');
    const response = await h.request('/api/sessions', {
      method: 'DELETE',
      jar: first.jar,
      headers: csrfHeaders,
    });
    expect(response.status).toBe(204);
    for (const { tokens } of [first, second]) {
      await expect.poll(() => accessTokenActive(tokens.accessToken)).toBe(false);
      expect(await refreshWorks(tokens.refreshToken!)).toBe(false);
    }
  });
});

describe('a provider that cannot be reached at sign-out', () => {
  it('still signs the user out at once; the failure is logged, not shown', async () => {
    const port = await sparePort();
    const idp = await startIdp({ port: 0, clients: [idpClient(`http://localhost:${port}`)] });
    const local = await startHarness({ port, idp });
    try {
      const jar = new CookieJar();
      expect((await local.signIn(jar)).status).toBe(302);
      await idp.close();
      const logout = await local.request('/auth/logout', { method: 'POST', jar, headers: csrfHeaders });
      expect(logout.status).toBe(200);
      const body = (await logout.json()) as Record<string, unknown>;
      expect(Object.keys(body)).toEqual(['redirectTo']);
      expect((await local.request('/api/session', { jar, headers: csrfHeaders })).status).toBe(401);
      await expect.poll(() => local.logs.text).toContain('token revocation at the provider failed');
    } finally {
      await local.close();
    }
  });
});
