import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar } from '../support/cookie-jar.ts';
import { csrfHeaders, startHarness, type Harness } from '../support/harness.ts';

/**
 * Issue 11: an API with `timeoutMs` whose `/slow` answers later than that. The proxied call gets 504; once the
 * late answer has been sent, 20 ordinary calls to the same API must all succeed — the connection the BFF gave up
 * on must never carry a later request, nor its late answer be taken for another request's.
 */
const TIMEOUT_MS = 300;
const LATE_MS = 1000;
let h: Harness;
const jar = new CookieJar();
let lateAnswerSent: Promise<void>;
let server: ReturnType<typeof createServer>;
const ordinary: string[] = [];

beforeAll(async () => {
  let sent: () => void = () => undefined;
  lateAnswerSent = new Promise((resolve) => (sent = resolve));
  server = createServer((req, res) => {
    if (req.url === '/slow') {
      // Answers on the connection it came in on, whether or not the caller is still there.
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ late: true }), () => sent());
        if (res.destroyed) sent();
      }, LATE_MS).unref();
      res.on('close', () => setTimeout(() => sent(), LATE_MS).unref());
      return;
    }
    ordinary.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ url: req.url }));
  });
  server.keepAliveTimeout = 60_000; // keeps idle connections, as many servers that are not Node's do
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://localhost:${(server.address() as AddressInfo).port}`;
  h = await startHarness({
    apis: [
      {
        name: 'slowish',
        baseUrl: url,
        provider: 'dev',
        methods: ['GET'],
        timeoutMs: TIMEOUT_MS,
        allowInsecureHttp: true,
      },
    ],
  });
  await h.signIn(jar);
});
afterAll(async () => {
  await h.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const call = (path: string) => h.request(`/api/proxy/slowish${path}`, { jar, headers: csrfHeaders });

describe('a slow answer from an API', () => {
  it('answers 504 upstream_timeout, and 20 later calls after the late answer all get their own answer', async () => {
    // Connections in the pool first, as in a running BFF.
    const warm = await Promise.all(Array.from({ length: 5 }, (_, i) => call(`/warm/${i}`)));
    expect(warm.map((r) => r.status)).toEqual(Array(5).fill(200));

    const slow = await call('/slow');
    expect(slow.status).toBe(504);
    expect(await slow.json()).toMatchObject({ error: 'upstream_timeout' });
    await lateAnswerSent;
    await new Promise((resolve) => setTimeout(resolve, 100));

    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => call(`/after/${i}`)));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    const bodies = await Promise.all(responses.map((r) => r.json() as Promise<{ url: string }>));
    expect(bodies.map((b) => b.url)).toEqual(Array.from({ length: 20 }, (_, i) => `/after/${i}`));
    expect(ordinary.filter((url) => url.startsWith('/after/'))).toHaveLength(20);
  });
});
