import type { Server } from 'node:http';
import { signInAtIdp } from '@gatehouse/idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/observability/metrics.ts';
import { createMetricsServer, listenMetrics } from '../../src/observability/metrics-server.ts';
import { CookieJar } from '../support/cookie-jar.ts';
import { csrfHeaders, startHarness, type Harness } from '../support/harness.ts';
import { startUpstream, echoApi } from '../support/upstream.ts';

let h: Harness;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let metricsServer: Server;
let metricsUrl: string;
const jar = new CookieJar();

beforeAll(async () => {
  upstream = await startUpstream();
  const metrics = createMetrics();
  h = await startHarness({
    metrics,
    accessTokenTtl: 60,
    apis: [
      echoApi(upstream.url, { timeoutMs: 500 }),
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
  metricsServer = createMetricsServer(metrics);
  metricsUrl = `http://127.0.0.1:${await listenMetrics(metricsServer, 0, '127.0.0.1')}/metrics`;
});
afterAll(async () => {
  metricsServer.close();
  await h.close();
  await upstream.close();
});

const scrape = async (): Promise<string> => {
  const response = await fetch(metricsUrl);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
};

/** The value of one series, or undefined when it is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics on its own listener', () => {
  it('records requests by route pattern, sign-ins by outcome, proxy and store timings', async () => {
    expect((await h.signIn(jar)).status).toBe(302);

    // A sign-in that fails: the callback is completed by another browser than the one that started it.
    const other = new CookieJar();
    const login = await h.request('/auth/login', { jar: other });
    const { redirectUrl } = await signInAtIdp(login.headers.get('location')!, 'bob', 'builder');
    const stolen = await h.request(new URL(redirectUrl).pathname + new URL(redirectUrl).search, {
      jar: new CookieJar(),
    });
    expect(stolen.headers.get('location')).toContain('error=login_failed');
    expect((await h.request('/auth/callback?state=x')).status).toBe(400);

    for (let i = 0; i < 3; i++) {
      expect((await h.request('/api/session', { jar, headers: csrfHeaders })).status).toBe(200);
    }
    const handle = 'a'.repeat(43);
    const revoke = await h.request(`/api/sessions/${handle}`, {
      jar,
      method: 'DELETE',
      headers: csrfHeaders,
    });
    expect(revoke.status).toBe(404);
    expect((await h.request('/wp-admin/alice@example.com/secret')).status).toBe(404);
    h.clock.advance(45_000); // inside the refresh window: the proxied call refreshes the tokens first
    expect((await h.request('/api/proxy/echo/echo/42', { jar, headers: csrfHeaders })).status).toBe(200);
    expect((await h.request('/api/proxy/down/x', { jar, headers: csrfHeaders })).status).toBe(502);

    const text = await scrape();
    const requests = 'gatehouse_http_request_duration_seconds_count';
    expect(sample(text, `${requests}{route="/api/session",method="GET",status="200"}`)).toBe(3);
    expect(sample(text, `${requests}{route="/api/sessions/:id",method="DELETE",status="404"}`)).toBe(1);
    expect(sample(text, `${requests}{route="unmatched",method="GET",status="404"}`)).toBe(1);
    expect(sample(text, `${requests}{route="/auth/callback",method="GET",status="302"}`)).toBe(2);
    expect(sample(text, `${requests}{route="/api/proxy/:api{/*path}",method="GET",status="200"}`)).toBe(1);

    expect(sample(text, 'gatehouse_sign_ins_total{provider="dev",outcome="success"}')).toBe(1);
    expect(sample(text, 'gatehouse_sign_ins_total{provider="dev",outcome="login_failed"}')).toBe(1);
    expect(sample(text, 'gatehouse_sign_ins_total{provider="unknown",outcome="invalid_request"}')).toBe(1);

    expect(sample(text, 'gatehouse_token_refreshes_total{provider="dev",outcome="success"}')).toBe(1);
    expect(sample(text, 'gatehouse_proxy_upstream_duration_seconds_count{api="echo",status="200"}')).toBe(1);
    expect(sample(text, 'gatehouse_proxy_upstream_duration_seconds_count{api="down",status="error"}')).toBe(
      1,
    );

    const store = 'gatehouse_store_operation_duration_seconds_count{store="memory",operation=';
    expect(sample(text, `${store}"takeTransaction"}`)).toBe(2);
    expect(sample(text, `${store}"get"}`)).toBeGreaterThanOrEqual(3);
    expect(sample(text, `${store}"set"}`)).toBeGreaterThanOrEqual(1);

    // prom-client's process metrics.
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(text).toContain('nodejs_eventloop_lag_seconds');

    // Labels never carry raw paths, ids or user data.
    for (const leaked of [handle, 'wp-admin', 'alice', '/echo/42', '/x"']) expect(text).not.toContain(leaked);
  });

  it('serves nothing else on the metrics port', async () => {
    const response = await fetch(metricsUrl.replace('/metrics', '/api/session'));
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: 'not_found' });
  });
});
