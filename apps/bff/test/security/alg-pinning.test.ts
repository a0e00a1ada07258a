import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderConfig } from '../../src/config/providers-file.ts';
import { CookieJar } from '../support/cookie-jar.ts';
import {
  signInThroughEvil,
  startEvilProvider,
  type EvilProvider,
  type IdTokenSigning,
} from '../support/evil-provider.ts';
import { csrfHeaders, SPA_ORIGIN, sessionCookieOf, startHarness, type Harness } from '../support/harness.ts';

/**
 * The ID-token algorithm is pinned by configuration (`idTokenSignedResponseAlg`, RS256 by default), never taken
 * from the provider: a provider that advertises `none`, `HS256`, ES256 and PS256 and signs with one of them —
 * with a key its JWKS really publishes, so the signature itself checks out — is refused, with the default pin
 * and with a non-default one.
 */
const ADVERTISED = ['RS256', 'ES256', 'PS256', 'HS256', 'none'];
let op: EvilProvider;
let h: Harness;

const provider = (name: string, pin?: string): ProviderConfig => ({
  name,
  label: name,
  issuer: op.issuer,
  clientId: op.clientId,
  clientSecret: op.clientSecret,
  scopes: ['openid', 'profile', 'email'],
  allowInsecureHttp: true,
  ...(pin ? { idTokenSignedResponseAlg: pin } : {}),
});

beforeAll(async () => {
  op = await startEvilProvider({ algorithms: ADVERTISED });
  h = await startHarness({ providers: () => [provider('default-pin'), provider('es256-pin', 'ES256')] });
});
afterAll(async () => {
  await h.close();
  await op.close();
});

async function signInSignedWith(name: string, signing: IdTokenSigning) {
  op.misbehave({ signing });
  try {
    const jar = new CookieJar();
    const { callback } = await signInThroughEvil(h.request, jar, { provider: name, returnTo: '/dashboard' });
    expect(callback, 'the flow reached /auth/callback').not.toBeNull();
    const session = await h.request('/api/session', { jar, headers: csrfHeaders });
    return {
      location: callback!.headers.get('location'),
      cookie: sessionCookieOf(h, jar),
      session: session.status,
    };
  } finally {
    op.behave();
  }
}

const signedIn = { location: `${SPA_ORIGIN}/dashboard`, session: 200 };
const refused = { location: `${SPA_ORIGIN}/?error=login_failed`, cookie: undefined, session: 401 };

describe('with the default pin (RS256)', () => {
  it('signs in with an RS256 ID token (the control)', async () => {
    expect(await signInSignedWith('default-pin', 'valid')).toMatchObject(signedIn);
  });

  it.each<[string, IdTokenSigning]>([
    ['ES256 with a published key', 'es256'],
    ['none', 'none'],
    ['HS256 keyed with the client secret', 'hs256-client-secret'],
  ])('refuses an ID token signed with %s, though the provider advertises it', async (_name, signing) => {
    expect(await signInSignedWith('default-pin', signing)).toEqual(refused);
  });
});

describe('with idTokenSignedResponseAlg ES256', () => {
  it('signs in with an ES256 ID token (the control)', async () => {
    expect(await signInSignedWith('es256-pin', 'es256')).toMatchObject(signedIn);
  });

  it.each<[string, IdTokenSigning]>([
    ['RS256 with a published key', 'valid'],
    ['none', 'none'],
    ['HS256 keyed with the client secret', 'hs256-client-secret'],
  ])('refuses an ID token signed with %s, though the provider advertises it', async (_name, signing) => {
    expect(await signInSignedWith('es256-pin', signing)).toEqual(refused);
  });
});
