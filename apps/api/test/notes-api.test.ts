import { startNotesApi, type RunningNotesApi } from '@gatehouse/api';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_AUDIENCE, startTestIdp, type TestIdp } from './support.ts';

/** The notes API against the real dev IdP: tokens come from the real code flow, keys from its JWKS. */

const HOUR = 60 * 60 * 1000;

describe('notes API with tokens from the dev IdP', () => {
  let t: TestIdp;
  let api: RunningNotesApi;
  let alice: string;
  let bob: string;
  let aliceOpaque: string;
  let aliceRefresh: string;

  beforeAll(async () => {
    t = await startTestIdp();
    api = await startNotesApi({ port: 0, issuer: t.idp.issuer, audience: API_AUDIENCE });
    const a = await t.signIn('alice', 'wonderland', API_AUDIENCE);
    alice = a.access_token;
    aliceRefresh = a.refresh_token ?? '';
    bob = (await t.signIn('bob', 'builder', API_AUDIENCE)).access_token;
    aliceOpaque = (await t.signIn('alice', 'wonderland')).access_token;
  });
  afterAll(async () => {
    await api?.close();
    await t?.close();
  });

  const call = (path: string, token: string | undefined, init: RequestInit = {}, base = api.url) =>
    fetch(base + path, {
      ...init,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(init.body ? { 'content-type': 'application/json' } : {}),
        ...(init.headers as Record<string, string> | undefined),
      },
    });
  const post = (token: string, text: string) =>
    call('/notes', token, { method: 'POST', body: JSON.stringify({ text }) });

  async function expectInvalidToken(response: Response, message?: RegExp) {
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as { error: string; message: string };
    expect(body.error).toBe('invalid_token');
    expect(body.message).toEqual(expect.any(String));
    if (message) expect(body.message).toMatch(message);
  }

  it("keeps each user's notes apart: create, list newest first, delete", async () => {
    const first = await post(alice, 'Buy milk');
    expect(first.status).toBe(201);
    const note = (await first.json()) as { id: string; text: string; createdAt: string };
    expect(note).toEqual({ id: expect.any(String), text: 'Buy milk', createdAt: expect.any(String) });
    expect(new Date(note.createdAt).toISOString()).toBe(note.createdAt);
    const second = (await (await post(alice, '  Call the Hatter  ')).json()) as { id: string };

    const list = await call('/notes', alice);
    expect(list.status).toBe(200);
    expect(list.headers.get('cache-control')).toBe('no-store');
    const notes = (await list.json()) as { id: string; text: string }[];
    expect(notes.map((n) => n.text)).toEqual(['Call the Hatter', 'Buy milk']);
    expect(notes[0]?.id).toBe(second.id);

    // Bob sees none of alice's notes and cannot delete them.
    expect(await (await call('/notes', bob)).json()).toEqual([]);
    const foreign = await call(`/notes/${note.id}`, bob, { method: 'DELETE' });
    expect(foreign.status).toBe(404);
    expect(await foreign.json()).toMatchObject({ error: 'not_found' });
    expect(await (await post(bob, 'Fix the roof')).json()).toMatchObject({ text: 'Fix the roof' });
    expect(((await (await call('/notes', bob)).json()) as unknown[]).length).toBe(1);

    const deleted = await call(`/notes/${note.id}`, alice, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe('');
    expect((await call(`/notes/${note.id}`, alice, { method: 'DELETE' })).status).toBe(404);
    const after = (await (await call('/notes', alice)).json()) as { text: string }[];
    expect(after.map((n) => n.text)).toEqual(['Call the Hatter']);
  });

  it('accepts a JWT access token obtained with a refresh and resource', async () => {
    const refreshed = await oidc.refreshTokenGrant(t.config, aliceRefresh, { resource: API_AUDIENCE });
    const response = await call('/notes', refreshed.access_token);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { text: string }[]).map((n) => n.text)).toContain('Call the Hatter');
  });

  it('refuses a request without a token, or with another scheme', async () => {
    await expectInvalidToken(await call('/notes', undefined), /required/);
    await expectInvalidToken(
      await call('/notes', undefined, { headers: { authorization: `Basic ${alice}` } }),
    );
    await expectInvalidToken(await call('/notes', undefined, { headers: { authorization: 'Bearer' } }));
    await expectInvalidToken(await post('', 'no token'));
  });

  it('refuses the opaque (userinfo) token: it is not for this audience', async () => {
    await expectInvalidToken(await call('/notes', aliceOpaque), /not a JWT/);
  });

  it('refuses a token for another resource', async () => {
    const other = await startNotesApi({ port: 0, issuer: t.idp.issuer, audience: 'http://localhost:4200' });
    try {
      await expectInvalidToken(await call('/notes', alice, {}, other.url), /not meant for this API/);
    } finally {
      await other.close();
    }
  });

  it('refuses an expired token', async () => {
    const later = await startNotesApi({
      port: 0,
      issuer: t.idp.issuer,
      audience: API_AUDIENCE,
      clock: () => Date.now() + 2 * HOUR,
    });
    try {
      await expectInvalidToken(await call('/notes', alice, {}, later.url), /expired/);
    } finally {
      await later.close();
    }
  });

  it('refuses a token of another issuer', async () => {
    const elsewhere = await startTestIdp();
    try {
      const foreign = (await elsewhere.signIn('alice', 'wonderland', API_AUDIENCE)).access_token;
      await expectInvalidToken(await call('/notes', foreign));
    } finally {
      await elsewhere.close();
    }
  });

  it('refuses a tampered token: signature, payload, alg none', async () => {
    const [header = '', payload = '', signature = ''] = alice.split('.');
    const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
    await expectInvalidToken(await call('/notes', `${header}.${payload}.${flipped}`), /signature/);

    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const asBob = Buffer.from(JSON.stringify({ ...claims, sub: 'bob' })).toString('base64url');
    await expectInvalidToken(await call('/notes', `${header}.${asBob}.${signature}`), /signature/);

    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url');
    await expectInvalidToken(await call('/notes', `${none}.${payload}.`));
    await expectInvalidToken(await call('/notes', `${none}.${payload}`));
  });

  it('answers bad input with 4xx JSON, never 500', async () => {
    const bad = async (init: RequestInit, status: number, error: string) => {
      const response = await call('/notes', alice, { method: 'POST', ...init });
      expect(response.status).toBe(status);
      expect(await response.json()).toMatchObject({ error, message: expect.any(String) });
    };
    const json = { 'content-type': 'application/json' };
    await bad({ body: JSON.stringify({ text: '' }) }, 400, 'invalid_request');
    await bad({ body: JSON.stringify({ text: '   ' }) }, 400, 'invalid_request');
    await bad({ body: JSON.stringify({ text: 'x'.repeat(501) }) }, 400, 'invalid_request');
    await bad({ body: JSON.stringify({ text: 42 }) }, 400, 'invalid_request');
    await bad({ body: JSON.stringify({}) }, 400, 'invalid_request');
    await bad({ body: JSON.stringify(['text']) }, 400, 'invalid_request');
    await bad({ body: 'null' }, 400, 'invalid_request');
    await bad({ body: '{"text": "unterminated' }, 400, 'invalid_request');
    await bad({ body: '', headers: json }, 400, 'invalid_request');
    await bad({ body: new Uint8Array([0x22, 0xff, 0xfe, 0x22]), headers: json }, 400, 'invalid_request');
    await bad(
      { body: 'text=hello', headers: { 'content-type': 'text/plain' } },
      415,
      'unsupported_media_type',
    );
    await bad({}, 415, 'unsupported_media_type');
    await bad({ body: JSON.stringify({ text: 'x'.repeat(20_000) }) }, 413, 'payload_too_large');

    // 500 characters is the limit, counted in characters, not UTF-16 units.
    expect((await post(alice, '🐇'.repeat(500))).status).toBe(201);
    expect((await post(alice, `${'x'.repeat(499)}é`)).status).toBe(201);
  });

  it('answers unknown routes and methods with JSON', async () => {
    const missing = await call('/nope', alice);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: 'not_found' });
    const method = await call('/notes', alice, { method: 'PATCH' });
    expect(method.status).toBe(405);
    expect(method.headers.get('allow')).toContain('GET');
    expect(await method.json()).toMatchObject({ error: 'method_not_allowed' });
  });

  it('answers /healthz without a token', async () => {
    const response = await fetch(`${api.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});
