import { generateKeyPairSync } from 'node:crypto';
import { startNotesApi, type RunningNotesApi } from '@gatehouse/api';
import { calculateJwkThumbprint, decodeJwt, exportJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeKeyFor } from '../../src/session/keys.ts';
import { dpopProof, type DpopKey } from '../../src/tokens/dpop-key.ts';
import { openTokens } from '../../src/tokens/sealed-tokens.ts';
import type { TokenSet } from '../../src/tokens/token-set.ts';
import { CookieJar } from '../support/cookie-jar.ts';
import { csrfHeaders, idpClient, sessionCookieOf, startHarness, type Harness } from '../support/harness.ts';
import { sparePort } from '../support/redis-server.ts';

const ACCESS_TOKEN_TTL = 120;
let h: Harness;
let notes: RunningNotesApi;
let notesUrl: string;

beforeAll(async () => {
  const port = await sparePort();
  notesUrl = `http://localhost:${port}`;
  h = await startHarness({
    accessTokenTtl: ACCESS_TOKEN_TTL,
    idpOptions: { apiAudience: notesUrl },
    // The IdP insists on DPoP for this client, and on a nonce of its own in every proof.
    idpClients: (bff) => [{ ...idpClient(bff), client_id: 'gatehouse-dpop', dpop_bound_access_tokens: true }],
    providers: (issuer) => [
      {
        name: 'dpop',
        issuer,
        clientId: 'gatehouse-dpop',
        clientSecret: 'gatehouse-dev-secret',
        scopes: ['openid', 'profile', 'email', 'offline_access'],
        allowInsecureHttp: true,
        dpop: true,
      },
    ],
    apis: [
      {
        name: 'notes',
        baseUrl: notesUrl,
        provider: 'dpop',
        methods: ['GET', 'POST'],
        timeoutMs: 5000,
        resource: notesUrl,
        allowInsecureHttp: true,
      },
    ],
  });
  notes = await startNotesApi({ port, issuer: h.idp.issuer, audience: notesUrl });
});
afterAll(async () => {
  await h.close();
  await notes.close();
});

async function signedIn(): Promise<CookieJar> {
  const jar = new CookieJar();
  const callback = await h.signIn(jar);
  expect(callback.headers.get('location')).not.toContain('error');
  return jar;
}

async function tokensOf(jar: CookieJar): Promise<TokenSet> {
  const session = (await h.deps.store.get(storeKeyFor(sessionCookieOf(h, jar)!)))!;
  return openTokens(h.deps.cipher, session.tokens, session.provider, session.user.sub);
}

const jktOf = (token: string) => (decodeJwt(token).cnf as { jkt?: string } | undefined)?.jkt;

/** A note through the BFF's proxy; the notes API answers 201 only for a bound token with a valid proof. */
const addNote = (jar: CookieJar, text: string) =>
  h.request('/api/proxy/notes/notes', {
    jar,
    method: 'POST',
    headers: { ...csrfHeaders, 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });

describe('DPoP (RFC 9449) with the dev IdP and the notes API', () => {
  it('binds the session’s tokens to a key of its own, sealed with them, answering the IdP’s nonce', async () => {
    const refusals: unknown[] = [];
    const onError = (...args: unknown[]) => refusals.push((args[1] as { error?: unknown }).error);
    h.idp.provider!.on('grant.error', onError);
    const jar = await signedIn();
    // The IdP asked for a nonce of its own first; the sign-in answered it and went through.
    expect(refusals).toContain('use_dpop_nonce');
    const session = await h.request('/api/session', { jar, headers: csrfHeaders });
    expect(session.status).toBe(200);
    const tokens = await tokensOf(jar);
    expect(tokens.tokenType.toLowerCase()).toBe('dpop');
    expect(tokens.dpopKey?.publicJwk).toMatchObject({ kty: 'EC', crv: 'P-256' });
    const record = (await h.deps.store.get(storeKeyFor(sessionCookieOf(h, jar)!)))!;
    expect(JSON.stringify(record)).not.toContain(tokens.dpopKey!.privateJwk.d!);

    const other = await tokensOf(await signedIn());
    expect(other.dpopKey!.publicJwk.x).not.toBe(tokens.dpopKey!.publicJwk.x);
  });

  it('relays calls with the bound token and a fresh proof; the notes API accepts them', async () => {
    const jar = await signedIn();
    expect((await addNote(jar, 'bound')).status).toBe(201);
    expect((await addNote(jar, 'again')).status).toBe(201);
    const list = await h.request('/api/proxy/notes/notes', { jar, headers: csrfHeaders });
    expect(list.status).toBe(200);
    const tokens = await tokensOf(jar);
    const resourceToken = tokens.resources![notesUrl]!.accessToken;
    expect(jktOf(resourceToken)).toBe(await calculateJwkThumbprint(tokens.dpopKey!.publicJwk));
  });

  it('keeps the binding through a refresh', async () => {
    const jar = await signedIn();
    expect((await addNote(jar, 'before')).status).toBe(201);
    const before = await tokensOf(jar);
    h.clock.advance((ACCESS_TOKEN_TTL - 10) * 1000);
    expect((await addNote(jar, 'after')).status).toBe(201);
    const after = await tokensOf(jar);
    const oldToken = before.resources![notesUrl]!.accessToken;
    const newToken = after.resources![notesUrl]!.accessToken;
    expect(newToken).not.toBe(oldToken);
    expect(jktOf(newToken)).toBe(jktOf(oldToken));
    expect(after.dpopKey).toEqual(before.dpopKey);
  });

  describe('the notes API refuses', () => {
    let token: string;
    let key: DpopKey;
    const url = () => new URL('/notes', notesUrl);
    const call = (headers: Record<string, string>) => fetch(url(), { headers });

    beforeAll(async () => {
      const jar = await signedIn();
      expect((await addNote(jar, 'x')).status).toBe(201);
      const tokens = await tokensOf(jar);
      token = tokens.resources![notesUrl]!.accessToken;
      key = tokens.dpopKey!;
    });

    it('the bound token without a proof, or as a Bearer token (the control: with one, 200)', async () => {
      const proof = await dpopProof(key, 'GET', url(), token);
      expect((await call({ authorization: `DPoP ${token}`, dpop: proof })).status).toBe(200);
      const none = await call({ authorization: `DPoP ${token}` });
      expect(none.status).toBe(401);
      expect(await none.json()).toMatchObject({
        error: 'invalid_token',
        message: expect.stringMatching(/proof is required/),
      });
      const bearer = await call({ authorization: `Bearer ${token}` });
      expect(bearer.status).toBe(401);
      expect(await bearer.json()).toMatchObject({ message: expect.stringMatching(/DPoP-bound/) });
    });

    it('a replayed proof', async () => {
      const proof = await dpopProof(key, 'GET', url(), token);
      expect((await call({ authorization: `DPoP ${token}`, dpop: proof })).status).toBe(200);
      const replay = await call({ authorization: `DPoP ${token}`, dpop: proof });
      expect(replay.status).toBe(401);
      expect(await replay.json()).toMatchObject({ message: 'The DPoP proof was already used.' });
    });

    it('a proof for another URL or method', async () => {
      for (const proof of [
        await dpopProof(key, 'GET', new URL('/notes/other', notesUrl), token),
        await dpopProof(key, 'POST', url(), token),
      ]) {
        const response = await call({ authorization: `DPoP ${token}`, dpop: proof });
        expect(response.status).toBe(401);
        expect(await response.json()).toMatchObject({ message: 'The DPoP proof is for another request.' });
      }
    });

    it('a proof by another key, or for another token', async () => {
      const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const otherKey: DpopKey = {
        privateJwk: await exportJWK(stranger.privateKey),
        publicJwk: await exportJWK(stranger.publicKey),
      };
      const byStranger = await call({
        authorization: `DPoP ${token}`,
        dpop: await dpopProof(otherKey, 'GET', url(), token),
      });
      expect(byStranger.status).toBe(401);
      expect(await byStranger.json()).toMatchObject({ message: expect.stringMatching(/another key/) });
      const forOther = await call({
        authorization: `DPoP ${token}`,
        dpop: await dpopProof(key, 'GET', url(), `${token}x`),
      });
      expect(forOther.status).toBe(401);
      expect(await forOther.json()).toMatchObject({ message: 'The DPoP proof is for another access token.' });
    });
  });

  describe('the dev IdP refuses, at its UserInfo endpoint', () => {
    let token: string;
    let key: DpopKey;
    let userinfo: URL;
    let nonce: string;
    /** Why the IdP refused (its answer says only `invalid_token`; the reason is in its event). */
    const reasons: string[] = [];

    /** A proof with the IdP's nonce, which it requires in every proof. */
    const proof = (method: string, url: URL, accessToken: string) =>
      dpopProof(key, method, url, accessToken, nonce);
    const call = (headers: Record<string, string>) => fetch(userinfo, { headers });
    /** `<status> <error>: <the IdP's reason>` of a refused call. */
    async function refused(headers: Record<string, string>): Promise<string> {
      const before = reasons.length;
      const response = await call(headers);
      const { error } = (await response.json()) as { error?: string };
      return `${response.status} ${error}: ${reasons.slice(before).join(' | ')}`;
    }

    beforeAll(async () => {
      h.idp.provider!.on('userinfo.error', (...args: unknown[]) => {
        const error = args[1] as { error_detail?: string; error_description?: string };
        reasons.push(error.error_detail ?? error.error_description ?? '');
      });
      const tokens = await tokensOf(await signedIn());
      token = tokens.accessToken;
      key = tokens.dpopKey!;
      const discovery = (await (await fetch(`${h.idp.issuer}/.well-known/openid-configuration`)).json()) as {
        userinfo_endpoint: string;
      };
      userinfo = new URL(discovery.userinfo_endpoint);
      // The IdP hands out its nonce on a proof without one.
      const first = await call({
        authorization: `DPoP ${token}`,
        dpop: await dpopProof(key, 'GET', userinfo, token),
      });
      expect(first.status).toBe(401);
      nonce = first.headers.get('dpop-nonce')!;
      expect(nonce).toBeTruthy();
    });

    it('the session’s access token without its proof, or as a Bearer token (the control: with one, 200)', async () => {
      const ok = await call({ authorization: `DPoP ${token}`, dpop: await proof('GET', userinfo, token) });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({ sub: 'alice' });
      expect(await refused({ authorization: `DPoP ${token}` })).toBe(
        '400 invalid_request: `DPoP` header not provided',
      );
      expect(await refused({ authorization: `Bearer ${token}` })).toBe(
        '401 invalid_token: failed jkt verification',
      );
    });

    it('a replayed proof', async () => {
      const once = await proof('GET', userinfo, token);
      expect((await call({ authorization: `DPoP ${token}`, dpop: once })).status).toBe(200);
      expect(await refused({ authorization: `DPoP ${token}`, dpop: once })).toBe(
        '401 invalid_token: DPoP proof JWT Replay detected',
      );
    });

    it('a proof for another URL or method, or for another token', async () => {
      const tokenEndpoint = new URL('/token', userinfo);
      expect(
        await refused({ authorization: `DPoP ${token}`, dpop: await proof('GET', tokenEndpoint, token) }),
      ).toBe('401 invalid_dpop_proof: DPoP proof htu mismatch');
      expect(
        await refused({ authorization: `DPoP ${token}`, dpop: await proof('POST', userinfo, token) }),
      ).toBe('401 invalid_dpop_proof: DPoP proof htm mismatch');
      expect(
        await refused({ authorization: `DPoP ${token}`, dpop: await proof('GET', userinfo, `${token}x`) }),
      ).toBe('401 invalid_dpop_proof: DPoP proof ath mismatch');
    });
  });
});
