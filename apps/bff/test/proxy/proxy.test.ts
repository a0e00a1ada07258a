import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeKeyFor } from '../../src/session/keys.ts';
import { openTokens } from '../../src/tokens/sealed-tokens.ts';
import { CookieJar } from '../support/cookie-jar.ts';
import { csrfHeaders, sessionCookieOf, SPA_ORIGIN, startHarness, type Harness } from '../support/harness.ts';
import { startUpstream, echoApi } from '../support/upstream.ts';

let h: Harness;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
const jar = new CookieJar();

beforeAll(async () => {
  upstream = await startUpstream();
  h = await startHarness({
    apis: [
      echoApi(upstream.url, { methods: ['GET', 'POST', 'PUT'], timeoutMs: 500 }),
      {
        name: 'octo-only',
        baseUrl: `${upstream.url}/base`,
        provider: 'octo',
        methods: ['GET'],
        timeoutMs: 500,
        allowInsecureHttp: true,
      },
      {
        name: 'down',
        baseUrl: 'http://127.0.0.1:9/base',
        provider: 'dev',
        methods: ['GET'],
        timeoutMs: 500,
        allowInsecureHttp: true,
      },
    ],
  });
  await h.signIn(jar);
});
afterAll(async () => {
  await h.close();
  await upstream.close();
});

const call = (path: string, init: RequestInit = {}) =>
  h.request(path, { ...init, jar, headers: { ...csrfHeaders, ...(init.headers as Record<string, string>) } });

/** A request whose path is sent exactly as written (fetch would normalise dot segments away). */
function rawGet(path: string): Promise<{ status: number; body: string }> {
  const url = new URL(h.bffUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: url.port,
        path,
        method: 'GET',
        headers: { cookie: jar.header(), 'x-csrf': '1' },
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('the API proxy with token relay', () => {
  it('relays path and query with the session access token, and none of the browser credentials', async () => {
    const response = await call('/api/proxy/echo/echo/items?x=1&y=%20z', {
      headers: { origin: SPA_ORIGIN, 'x-custom': 'kept', authorization: 'Bearer from-browser' },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { url: string; authorization: string };
    expect(body.url).toBe('/base/echo/items?x=1&y=%20z');
    const session = (await h.deps.store.get(storeKeyFor(sessionCookieOf(h, jar)!)))!;
    const { accessToken } = openTokens(h.deps.cipher, session.tokens, session.provider, session.user.sub);
    expect(body.authorization).toBe(`Bearer ${accessToken}`);
    const seen = upstream.seen.at(-1)!;
    expect(seen.headers.cookie).toBeUndefined();
    expect(seen.headers['x-csrf']).toBeUndefined();
    expect(seen.headers.origin).toBeUndefined();
    expect(seen.headers['x-custom']).toBe('kept');
    expect(JSON.stringify(seen.headers)).not.toContain(sessionCookieOf(h, jar)!);
  });

  it('keeps upstream cookies, caching and hop-by-hop headers away from the browser', async () => {
    const response = await call('/api/proxy/echo/echo');
    expect(response.headers.get('x-upstream')).toBe('yes');
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(response.headers.get('x-hop')).toBeNull();
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('streams request bodies up and response bodies down', async () => {
    const big = 'x'.repeat(2 * 1024 * 1024);
    const post = await call('/api/proxy/echo/echo', {
      method: 'POST',
      body: big,
      headers: { 'content-type': 'text/plain' },
    });
    expect(post.status).toBe(200);
    expect(((await post.json()) as { bodyBytes: number }).bodyBytes).toBe(big.length);

    const streamed = await call('/api/proxy/echo/stream');
    const reader = streamed.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('first;'); // arrived before the upstream finished
    upstream.release();
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      rest += new TextDecoder().decode(chunk.value);
    expect(rest).toBe('second');
  });

  it.each([418, 404, 500])('passes the upstream status %i and its body through', async (status) => {
    const response = await call(`/api/proxy/echo/status/${status}`);
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ upstream: true });
  });

  it('answers 404 for an unknown API, 405 for a method not listed, 403 for another provider', async () => {
    const unknown = await call('/api/proxy/nope/x');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: 'not_found' });
    const method = await call('/api/proxy/echo/echo', { method: 'DELETE' });
    expect(method.status).toBe(405);
    expect(method.headers.get('allow')).toBe('GET, POST, PUT');
    expect(await method.json()).toMatchObject({ error: 'method_not_allowed' });
    const other = await call('/api/proxy/octo-only/echo');
    expect(other.status).toBe(403);
    expect(await other.json()).toMatchObject({ error: 'forbidden' });
  });

  it.each([
    '/api/proxy/echo/../secret',
    '/api/proxy/echo/a/../../secret',
    '/api/proxy/echo/%2e%2e/secret',
    '/api/proxy/echo/%2E%2E%2Fsecret',
    '/api/proxy/echo/a%2f..%2f..%2fsecret',
    '/api/proxy/echo//evil.example/x',
    '/api/proxy/echo/%5c%5cevil.example',
    '/api/proxy/echo/..%5csecret',
  ])('refuses path %s with 400 and never calls the upstream', async (path) => {
    const before = upstream.seen.length;
    const response = await rawGet(path);
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ error: 'invalid_request' });
    expect(upstream.seen.length).toBe(before);
  });

  it('answers 504 upstream_timeout when the upstream is too slow, 502 when it is down', async () => {
    const slow = await call('/api/proxy/echo/slow');
    expect(slow.status).toBe(504);
    expect(await slow.json()).toMatchObject({ error: 'upstream_timeout' });
    const down = await call('/api/proxy/down/x');
    expect(down.status).toBe(502);
    expect(await down.json()).toMatchObject({ error: 'upstream_unavailable' });
  });

  it('follows the CSRF and session rules of every /api route', async () => {
    expect((await h.request('/api/proxy/echo/echo', { jar })).status).toBe(403);
    expect((await h.request('/api/proxy/echo/echo', { headers: csrfHeaders })).status).toBe(401);
  });
});
