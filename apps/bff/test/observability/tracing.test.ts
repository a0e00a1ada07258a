import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTracing, type Tracing } from '../../src/observability/tracing.ts';
import { CookieJar } from '../support/cookie-jar.ts';
import { csrfHeaders, sessionCookieOf, startHarness, type Harness } from '../support/harness.ts';
import { startUpstream, echoApi } from '../support/upstream.ts';

let h: Harness;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let tracing: Tracing;
const exporter = new InMemorySpanExporter();
const jar = new CookieJar();

beforeAll(async () => {
  tracing = startTracing({ serviceName: 'gatehouse-test', processor: new SimpleSpanProcessor(exporter) });
  upstream = await startUpstream();
  h = await startHarness({
    tracing: true,
    accessTokenTtl: 60,
    apis: [echoApi(upstream.url, { timeoutMs: 2_000 })],
  });
});
afterAll(async () => {
  await h.close();
  await upstream.close();
  await tracing.close();
});

describe('OpenTelemetry traces', () => {
  it('spans sign-in, refresh, proxy and store calls; passes traceparent upstream; records no secret', async () => {
    expect((await h.signIn(jar)).status).toBe(302);
    h.clock.advance(45_000); // inside the refresh window: the proxied call refreshes first
    const proxied = await h.request('/api/proxy/echo/echo?code=secret-query', { jar, headers: csrfHeaders });
    expect(proxied.status).toBe(200);

    const spans = exporter.getFinishedSpans();
    const names = new Set(spans.map((span) => span.name));
    for (const name of [
      'GET /auth/login',
      'gatehouse.login',
      'GET /auth/callback',
      'gatehouse.callback',
      'gatehouse.refresh',
      'gatehouse.proxy',
      'GET /api/proxy/:api{/*path}',
      'gatehouse.store.takeTransaction',
      'gatehouse.store.set',
      'gatehouse.store.get',
    ]) {
      expect(names, name).toContain(name);
    }

    // The proxy span is a child of the request's server span, and the upstream got the same trace.
    const proxySpan = spans.find((span) => span.name === 'gatehouse.proxy')!;
    const serverSpan = spans.find((span) => span.name === 'GET /api/proxy/:api{/*path}')!;
    expect(proxySpan.spanContext().traceId).toBe(serverSpan.spanContext().traceId);
    expect(serverSpan.attributes).toMatchObject({
      'http.route': '/api/proxy/:api{/*path}',
      'http.response.status_code': 200,
    });
    const seen = upstream.seen.at(-1)!;
    const traceparent = String(seen.headers.traceparent);
    expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(traceparent.split('-')[1]).toBe(proxySpan.spanContext().traceId);
    const refreshSpan = spans.find((span) => span.name === 'gatehouse.refresh')!;
    expect(refreshSpan.spanContext().traceId).toBe(proxySpan.spanContext().traceId);

    // No tokens, cookies, codes or raw URLs in any span's name or attributes.
    const accessToken = String(seen.headers.authorization).replace(/^Bearer /, '');
    const recorded = JSON.stringify(spans.map((span) => [span.name, span.attributes, span.events]));
    for (const secret of [accessToken, sessionCookieOf(h, jar)!, 'secret-query', 'Bearer', 'alice']) {
      expect(recorded).not.toContain(secret);
    }
  });
});
