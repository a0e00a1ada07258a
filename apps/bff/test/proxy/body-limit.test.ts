import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar } from '../support/cookie-jar.ts';
import { csrfHeaders, startHarness, type Harness } from '../support/harness.ts';
import { startUpstream, echoApi } from '../support/upstream.ts';

/** A proxied request body over `MAX_BODY_BYTES` gets 413 `payload_too_large`, and the upstream never sees it. */
const MAX = 64 * 1024;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let h: Harness;
const jar = new CookieJar();

beforeAll(async () => {
  upstream = await startUpstream();
  h = await startHarness({
    env: { MAX_BODY_BYTES: String(MAX) },
    apis: [echoApi(upstream.url, { methods: ['POST'] })],
  });
  await h.signIn(jar);
});
afterAll(async () => {
  await h.close();
  await upstream.close();
});

const post = (body: string) =>
  h.request('/api/proxy/echo/echo', {
    method: 'POST',
    jar,
    body,
    headers: { ...csrfHeaders, 'content-type': 'text/plain' },
  });

/** A POST whose body is sent chunked, without a Content-Length. */
function postChunked(bytes: number): Promise<{ status: number; body: string }> {
  const url = new URL(h.bffUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: url.port,
        path: '/api/proxy/echo/echo',
        method: 'POST',
        headers: { cookie: jar.header(), 'x-csrf': '1', 'content-type': 'text/plain' },
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    const chunk = 'y'.repeat(8 * 1024);
    for (let sent = 0; sent < bytes; sent += chunk.length) req.write(chunk);
    req.end();
  });
}

describe('a proxied body over MAX_BODY_BYTES', () => {
  it('passes a body at the limit through (the control)', async () => {
    const response = await post('x'.repeat(MAX));
    expect(response.status).toBe(200);
    expect(((await response.json()) as { bodyBytes: number }).bodyBytes).toBe(MAX);
  });

  it('answers 413 payload_too_large for a declared length over it, and the upstream never sees the request', async () => {
    const before = upstream.seen.length;
    const response = await post('x'.repeat(MAX + 1));
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: 'payload_too_large' });
    expect(upstream.seen.length).toBe(before);
  });

  it('answers 413 for a chunked body that grows over it, and the upstream never receives a whole body', async () => {
    const before = upstream.seen.length;
    const response = await postChunked(4 * MAX);
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body)).toMatchObject({ error: 'payload_too_large' });
    expect(upstream.seen.length).toBe(before);
  });
});
