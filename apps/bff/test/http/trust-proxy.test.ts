import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar } from '../support/cookie-jar.ts';
import { csrfHeaders, startHarness, type Harness } from '../support/harness.ts';
import { startUpstream, echoApi } from '../support/upstream.ts';

/**
 * `TRUST_PROXY=true` behind one proxy: the client address is the last `X-Forwarded-For` hop (the one that proxy
 * appended); hops a client forged in front of it are not. Seen where the address is used: the login rate limit
 * and the `X-Forwarded-For` the API proxy sends upstream. Without `TRUST_PROXY`, the header is ignored.
 */
let upstream: Awaited<ReturnType<typeof startUpstream>>;
beforeAll(async () => {
  upstream = await startUpstream();
});
afterAll(async () => {
  await upstream.close();
});

async function harness(trustProxy: boolean): Promise<Harness> {
  return startHarness({
    env: { TRUST_PROXY: String(trustProxy), RATE_LIMIT_LOGIN_PER_MINUTE: '2' },
    apis: [echoApi(upstream.url)],
  });
}

const loginFrom = (h: Harness, forwardedFor: string) =>
  h.request('/auth/login', { headers: { 'x-forwarded-for': forwardedFor } });

describe('TRUST_PROXY=true', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(true);
  });
  afterAll(async () => {
    await h.close();
  });

  it('rate-limits by the last hop; forging earlier hops buys no new budget', async () => {
    expect((await loginFrom(h, '198.51.100.1, 203.0.113.7')).status).toBe(302);
    expect((await loginFrom(h, '198.51.100.2, 203.0.113.7')).status).toBe(302);
    const third = await loginFrom(h, '198.51.100.3, 203.0.113.7');
    expect(third.status).toBe(429);
    expect(await third.json()).toMatchObject({ error: 'rate_limited' });
    // Another client behind the same proxy has its own budget.
    expect((await loginFrom(h, '198.51.100.3, 203.0.113.8')).status).toBe(302);
  });

  it('sends the last hop upstream as X-Forwarded-For, not the forged ones', async () => {
    const jar = new CookieJar();
    await h.signIn(jar);
    const response = await h.request('/api/proxy/echo/echo', {
      jar,
      headers: { ...csrfHeaders, 'x-forwarded-for': '10.6.6.6, 192.0.2.44' },
    });
    expect(response.status).toBe(200);
    expect(upstream.seen.at(-1)!.headers['x-forwarded-for']).toBe('192.0.2.44');
  });
});

describe('TRUST_PROXY=false (the default)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(false);
  });
  afterAll(async () => {
    await h.close();
  });

  it('ignores X-Forwarded-For: every request counts against the socket address', async () => {
    expect((await loginFrom(h, '203.0.113.1')).status).toBe(302);
    expect((await loginFrom(h, '203.0.113.2')).status).toBe(302);
    expect((await loginFrom(h, '203.0.113.3')).status).toBe(429);
  });

  it('sends the socket address upstream', async () => {
    const jar = new CookieJar();
    h.clock.advance(61_000); // a new rate-limit window: the test above spent this address's budget
    expect((await h.signIn(jar)).status).toBe(302);
    const response = await h.request('/api/proxy/echo/echo', {
      jar,
      headers: { ...csrfHeaders, 'x-forwarded-for': '192.0.2.44' },
    });
    expect(response.status).toBe(200);
    expect(upstream.seen.at(-1)!.headers['x-forwarded-for']).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
  });
});
