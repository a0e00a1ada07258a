import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGatehouseClient, GatehouseError, UnauthenticatedError } from '../src/index.ts';
import { aliceSession, BFF, json, stubBff, unauthenticated } from './fixtures.ts';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const client = () => createGatehouseClient({ bffUrl: `${BFF}/` });

function answering(status: number, body: string | null, contentType = 'application/json') {
  vi.stubGlobal(
    'fetch',
    vi.fn(async () => new Response(body, { status, headers: { 'Content-Type': contentType } })),
  );
  return client();
}

describe('the Gatehouse client', () => {
  it('sends every call with credentials, the CSRF header and Accept: application/json', async () => {
    const alice = aliceSession();
    const summary = {
      id: 'h1',
      current: false,
      createdAt: alice.createdAt,
      lastSeenAt: alice.createdAt,
      userAgent: null,
      provider: 'dev',
    };
    const { calls } = stubBff({
      'GET /api/session': () => json(alice),
      'POST /api/session/extend': () => json(alice),
      'GET /auth/providers': () => json([{ name: 'dev', label: 'Dev IdP', available: true }]),
      'GET /api/sessions': () => json([summary]),
      'DELETE /api/sessions/h1': () => new Response(null, { status: 204 }),
      'DELETE /api/sessions': () => new Response(null, { status: 204 }),
      'POST /auth/logout': () => json({ redirectTo: 'http://idp.test/end' }),
      'GET /api/proxy/notes/notes': () => json([]),
    });
    const c = client();
    await c.getSession();
    await c.getSession({ slide: false });
    await c.extendSession();
    await c.getProviders();
    await c.listSessions();
    await c.revokeSession('h1');
    await c.revokeAllSessions();
    expect(await c.logout()).toBe('http://idp.test/end');
    await c.proxyJson('notes', '/notes', Array.isArray, { query: { q: 'a b' } });
    expect(calls.map((call) => `${call.method} ${call.url}`)).toEqual([
      `GET ${BFF}/api/session`,
      `GET ${BFF}/api/session?slide=false`,
      `POST ${BFF}/api/session/extend`,
      `GET ${BFF}/auth/providers`,
      `GET ${BFF}/api/sessions`,
      `DELETE ${BFF}/api/sessions/h1`,
      `DELETE ${BFF}/api/sessions`,
      `POST ${BFF}/auth/logout`,
      `GET ${BFF}/api/proxy/notes/notes?q=a+b`,
    ]);
    for (const call of calls) {
      expect(call.init?.credentials).toBe('include');
      const headers = new Headers(call.init?.headers);
      expect(headers.get('X-CSRF')).toBe('1');
      expect(headers.get('Accept')).toBe('application/json');
    }
  });

  it('getSession returns the SessionInfo, and null on 401 (signed out is not an error)', async () => {
    const alice = aliceSession();
    let signedIn = true;
    stubBff({ 'GET /api/session': () => (signedIn ? json(alice) : unauthenticated()) });
    const c = client();
    expect(await c.getSession()).toEqual(alice);
    signedIn = false;
    expect(await c.getSession()).toBeNull();
  });

  it('surfaces the {error, message} body of a failure', async () => {
    const c = answering(503, JSON.stringify({ error: 'store_unavailable', message: 'The store is down.' }));
    const failure = await c.getSession().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(GatehouseError);
    expect(failure).toMatchObject({ status: 503, code: 'store_unavailable', message: 'The store is down.' });
  });

  it('turns a non-JSON failure (an HTML error page) into a polite message', async () => {
    const c = answering(502, '<html><body>Bad gateway at line 3</body></html>', 'text/html');
    await expect(c.getProviders()).rejects.toMatchObject({
      status: 502,
      message: 'The Gatehouse service ran into a problem. Please try again later.',
    });
  });

  it('rejects a body of the wrong shape', async () => {
    const c = answering(200, JSON.stringify({ ...aliceSession(), expiresAt: 'tomorrow' }));
    await expect(c.getSession()).rejects.toMatchObject({ code: 'invalid_response' });
    const providers = answering(200, JSON.stringify([{ name: 'dev' }]));
    await expect(providers.getProviders()).rejects.toMatchObject({ code: 'invalid_response' });
  });

  it('a 401 elsewhere is an UnauthenticatedError, and tells the onSignedOut listeners', async () => {
    const c = answering(401, JSON.stringify({ error: 'unauthenticated', message: 'Please sign in.' }));
    const listener = vi.fn();
    c.onSignedOut(listener);
    await expect(c.listSessions()).rejects.toBeInstanceOf(UnauthenticatedError);
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it("proxy calls tell an API's own 401 apart from the BFF's, and type the contract's errors", async () => {
    const c = answering(401, JSON.stringify({ error: 'invalid_token', message: 'Not for this API.' }));
    const listener = vi.fn();
    c.onSignedOut(listener);
    const apiError = await c.proxyFetch('notes', 'notes').catch((e: unknown) => e);
    expect(apiError).toBeInstanceOf(GatehouseError);
    expect(apiError).not.toBeInstanceOf(UnauthenticatedError);
    expect(apiError).toMatchObject({ status: 401, code: 'invalid_token' });
    expect(listener).not.toHaveBeenCalled();
    for (const [status, code] of [
      [403, 'forbidden'],
      [404, 'not_found'],
      [502, 'upstream_unavailable'],
      [504, 'upstream_timeout'],
    ] as const) {
      const proxied = answering(status, JSON.stringify({ error: code, message: 'x' }));
      await expect(proxied.proxyFetch('notes', 'notes')).rejects.toMatchObject({ status, code });
    }
    const bffSays = answering(401, JSON.stringify({ error: 'unauthenticated', message: 'x' }));
    await expect(bffSays.proxyFetch('notes', 'notes')).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('proxyJson sends JSON and checks the answer with the guard given', async () => {
    const { calls } = stubBff({ 'POST /api/proxy/notes/notes': () => json({ id: 1 }, 201) });
    const isNote = (v: unknown): v is { id: string } => typeof (v as { id?: unknown }).id === 'string';
    await expect(
      client().proxyJson('notes', 'notes', isNote, { method: 'POST', json: { text: 'hi' } }),
    ).rejects.toMatchObject({ code: 'invalid_response' });
    expect(calls[0]?.init?.body).toBe('{"text":"hi"}');
    expect(new Headers(calls[0]?.init?.headers).get('Content-Type')).toBe('application/json');
  });

  it('an unreachable BFF is a polite GatehouseError', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));
    await expect(client().getProviders()).rejects.toMatchObject({
      status: 0,
      code: 'network',
      message: expect.stringMatching(/could not be reached/),
    });
  });

  it('logout answers a safe redirectTo; already signed out means home', async () => {
    expect(await answering(200, JSON.stringify({ redirectTo: 'javascript:alert(1)' })).logout()).toBe('/');
    expect(await answering(401, JSON.stringify({ error: 'unauthenticated', message: 'x' })).logout()).toBe(
      '/',
    );
  });

  it('loginUrl points at the BFF with provider and a same-site returnTo', () => {
    const c = client();
    const url = new URL(c.loginUrl('dev', '/dashboard?tab=2'));
    expect(`${url.origin}${url.pathname}`).toBe(`${BFF}/auth/login`);
    expect(url.searchParams.get('provider')).toBe('dev');
    expect(url.searchParams.get('returnTo')).toBe('/dashboard?tab=2');
    for (const evil of [
      '//evil.example/x',
      'https://evil.example/',
      '/\\evil.example',
      'javascript:alert(1)',
    ]) {
      expect(new URL(c.loginUrl('dev', evil)).searchParams.get('returnTo')).toBe('/');
    }
    expect(new URL(c.loginUrl(undefined, '/')).searchParams.has('provider')).toBe(false);
  });

  it('escapes a session id in the path', async () => {
    const { calls } = stubBff({});
    await client()
      .revokeSession('../a b')
      .catch(() => {});
    expect(calls.at(-1)?.url).toBe(`${BFF}/api/sessions/..%2Fa%20b`);
  });
});
