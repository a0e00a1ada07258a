import { SessionInfoSchema } from '@gatehouse/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderConfig } from '../../src/config/providers-file.ts';
import { storeKeyFor } from '../../src/session/keys.ts';
import { CookieJar } from '../support/cookie-jar.ts';
import { csrfHeaders, sessionCookieOf, startHarness, type Harness } from '../support/harness.ts';
import { startUpstream } from '../support/upstream.ts';

/** An API's `require`: checked against the claims the session kept, before any token or upstream is involved. */

let h: Harness;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let grants = 0;

beforeAll(async () => {
  upstream = await startUpstream();
  const api = { baseUrl: `${upstream.url}/base`, provider: 'dev', timeoutMs: 5000, allowInsecureHttp: true };
  h = await startHarness({
    accessTokenTtl: 60,
    providers: (issuer, config): ProviderConfig[] => [
      {
        name: 'dev',
        issuer,
        clientId: config.devClient.clientId,
        clientSecret: config.devClient.clientSecret,
        scopes: ['openid', 'profile', 'email', 'offline_access'],
        sessionClaims: ['groups'],
        allowInsecureHttp: true,
      },
    ],
    apis: [
      { ...api, name: 'editors', methods: ['GET'], require: { claims: { groups: ['notes-editors'] } } },
      { ...api, name: 'open', methods: ['GET'] },
    ],
  });
  h.idp.provider!.on('grant.success', () => (grants += 1));
});
afterAll(async () => {
  await h.close();
  await upstream.close();
});

async function signedIn(user: string, password: string): Promise<CookieJar> {
  const jar = new CookieJar();
  const callback = await h.signIn(jar, { user, password });
  expect(callback.status).toBe(302);
  return jar;
}

const call = (jar: CookieJar, path: string) => h.request(path, { jar, headers: csrfHeaders });

describe('require on a proxied API', () => {
  it('relays the call of a session with the claim', async () => {
    const carol = await signedIn('carol', 'hearts');
    const response = await call(carol, '/api/proxy/editors/echo/notes');
    expect(response.status).toBe(200);
    expect(upstream.seen.at(-1)?.url).toBe('/base/echo/notes');
  });

  it('answers 403 forbidden to a session without it; the upstream never sees the request', async () => {
    const alice = await signedIn('alice', 'wonderland');
    const seen = upstream.seen.length;
    const response = await call(alice, '/api/proxy/editors/echo/secret');
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      error: 'forbidden',
      message: 'The "editors" API needs a "groups" claim this session does not have.',
    });
    expect(upstream.seen.length).toBe(seen);
    // The same session may call an API with no requirement.
    expect((await call(alice, '/api/proxy/open/echo/x')).status).toBe(200);
  });

  it('takes the claims from the session only: nothing the browser sends can supply them', async () => {
    const alice = await signedIn('alice', 'wonderland');
    const seen = upstream.seen.length;
    const response = await h.request('/api/proxy/editors/echo/x?groups=notes-editors', {
      jar: alice,
      headers: { ...csrfHeaders, 'x-groups': 'notes-editors', 'x-claims': '{"groups":["notes-editors"]}' },
    });
    expect(response.status).toBe(403);
    expect(upstream.seen.length).toBe(seen);
  });

  it('refuses before any token is touched: an expired access token is not refreshed for a 403', async () => {
    const alice = await signedIn('alice', 'wonderland');
    h.clock.advance(120_000); // past the 60 s access token
    const before = grants;
    expect((await call(alice, '/api/proxy/editors/echo/x')).status).toBe(403);
    expect(grants).toBe(before);
    // Whereas an allowed call does refresh: the check above is not vacuous.
    expect((await call(alice, '/api/proxy/open/echo/x')).status).toBe(200);
    expect(grants).toBe(before + 1);
  });
});

describe('claims and refreshed ID tokens', () => {
  it('replaces the kept claims with those of the refreshed ID token', async () => {
    const carol = await signedIn('carol', 'hearts');
    const key = storeKeyFor(sessionCookieOf(h, carol)!);
    const session = (await h.deps.store.get(key))!;
    // As if the provider had said otherwise at sign-in.
    await h.deps.store.update(key, { ...session, claims: { groups: ['stale'] } });
    expect((await call(carol, '/api/proxy/editors/echo/x')).status).toBe(403);

    h.clock.advance(120_000);
    expect((await call(carol, '/api/proxy/open/echo/x')).status).toBe(200); // refreshes the tokens
    const info = SessionInfoSchema.parse(await (await call(carol, '/api/session')).json());
    expect(info.claims).toEqual({ groups: ['notes-editors', 'staff'] });
    expect((await call(carol, '/api/proxy/editors/echo/x')).status).toBe(200);
  });
});
