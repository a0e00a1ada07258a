import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar } from '../support/cookie-jar.ts';
import { csrfHeaders, SPA_ORIGIN, startHarness, type Harness } from '../support/harness.ts';

/**
 * Hardening every response and every door: security headers, no caching of auth and session answers,
 * rate limits on the login endpoints, body size limits (ASVS 5.0 V3.4, V14.3.2, V2.4.1, V4.1.3, V15.3.4).
 */

const HARDENED = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-site',
};

function expectHardened(response: Response, what: string): void {
  for (const [name, value] of Object.entries(HARDENED)) {
    expect(response.headers.get(name), `${name} on ${what}`).toBe(value);
  }
  const csp = response.headers.get('content-security-policy') ?? '';
  expect(csp, `CSP on ${what}`).toContain("default-src 'none'");
  expect(csp, `CSP on ${what}`).toContain("frame-ancestors 'none'");
}

describe('security headers on every response', () => {
  let h: Harness;
  const jar = new CookieJar();
  beforeAll(async () => {
    h = await startHarness({ env: { MAX_BODY_BYTES: '2048' } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('sets them on successes, redirects, client errors and preflights alike', async () => {
    const signIn = await h.signIn(jar);
    const responses: Array<[string, Response]> = [
      ['callback redirect', signIn],
      ['login redirect', await h.request('/auth/login')],
      ['healthz', await h.request('/healthz')],
      ['readyz', await h.request('/readyz')],
      ['providers', await h.request('/auth/providers')],
      ['session 200', await h.request('/api/session', { jar, headers: csrfHeaders })],
      ['session 401', await h.request('/api/session', { headers: csrfHeaders })],
      ['csrf 403', await h.request('/api/session', { jar })],
      ['404', await h.request('/nope')],
      ['405', await h.request('/auth/logout')],
      ['callback 400', await h.request('/auth/callback')],
      [
        '413',
        await h.request('/auth/logout', { method: 'POST', body: 'x'.repeat(4096), headers: csrfHeaders }),
      ],
      [
        'backchannel 400',
        await h.request('/auth/backchannel-logout', {
          method: 'POST',
          body: 'logout_token=x',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
      ],
      [
        'preflight',
        await h.request('/api/session', {
          method: 'OPTIONS',
          headers: { origin: SPA_ORIGIN, 'access-control-request-method': 'GET' },
        }),
      ],
    ];
    for (const [what, response] of responses) expectHardened(response, what);
  });

  it('forbids caching of every /auth and /api answer, errors included', async () => {
    for (const response of [
      await h.request('/auth/login'),
      await h.request('/auth/callback?state=x'),
      await h.request('/auth/providers'),
      await h.request('/api/session', { jar, headers: csrfHeaders }),
      await h.request('/api/session', { headers: csrfHeaders }),
      await h.request('/api/sessions', { jar, headers: csrfHeaders }),
      await h.request('/auth/logout', { method: 'POST', headers: csrfHeaders }),
    ]) {
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('never sends the callback URL (with its code) onward as a Referer', async () => {
    const callback = await h.signIn(new CookieJar());
    expect(callback.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('sends no HSTS over plain http (browsers ignore it there; localhost must stay reachable)', async () => {
    expect((await h.request('/healthz')).headers.get('strict-transport-security')).toBeNull();
  });

  it('answers the header-size refusal node makes before koa with the same JSON and hardening', async () => {
    const response = await h.request('/healthz', { headers: { 'x-big': 'a'.repeat(40 * 1024) } });
    expect(response.status).toBe(431);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('refuses a body larger than MAX_BODY_BYTES with 413 JSON before reading it, on any route', async () => {
    for (const [method, path] of [
      ['POST', '/auth/logout'],
      ['DELETE', '/api/sessions'],
      ['POST', '/auth/backchannel-logout'],
      ['POST', '/healthz'],
    ] as const) {
      const response = await h.request(path, {
        method,
        jar,
        body: 'x'.repeat(4096),
        headers: { ...csrfHeaders, 'content-type': 'text/plain' },
      });
      expect(response.status, `${method} ${path}`).toBe(413);
      expect(await response.json()).toMatchObject({ error: 'payload_too_large' });
    }
    // The session survived all of it.
    expect((await h.request('/api/session', { jar, headers: csrfHeaders })).status).toBe(200);
  });

  it('bounds a chunked body with no declared length where one is read (back-channel logout: 32 KiB)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL('/auth/backchannel-logout', h.bffUrl);
      const req = httpRequest(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'transfer-encoding': 'chunked' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < 40; i += 1) req.write(`logout_token=${'a'.repeat(1024)}`);
      req.end();
    });
    expect(status).toBe(413);
  });
});

describe('HSTS behind https', () => {
  it('sends Strict-Transport-Security for a year, subdomains included, when PUBLIC_BFF_URL is https', async () => {
    const h = await startHarness({ env: { PUBLIC_BFF_URL: 'https://bff.example.com' } });
    try {
      for (const path of ['/healthz', '/nope', '/auth/login']) {
        const response = await h.request(path);
        expect(response.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
      }
    } finally {
      await h.close();
    }
  });
});

describe('rate limits on /auth/login and /auth/callback', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { RATE_LIMIT_LOGIN_PER_MINUTE: '5' } });
  });
  afterAll(async () => {
    await h.close();
  });

  async function expectLimited(response: Response): Promise<void> {
    expect(response.status).toBe(429);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(await response.json()).toEqual({ error: 'rate_limited', message: expect.any(String) });
    const retryAfter = Number(response.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expectHardened(response, '429');
  }

  it('allows RATE_LIMIT_LOGIN_PER_MINUTE logins per minute and IP, then answers 429 with Retry-After', async () => {
    for (let i = 0; i < 5; i += 1) expect((await h.request('/auth/login')).status).toBe(302);
    await expectLimited(await h.request('/auth/login'));
    await expectLimited(await h.request('/auth/login?provider=dev&returnTo=/x'));
  });

  it('limits the callback separately, and leaves every other route alone', async () => {
    for (let i = 0; i < 5; i += 1) expect((await h.request('/auth/callback')).status).toBe(400);
    await expectLimited(await h.request('/auth/callback'));
    expect((await h.request('/healthz')).status).toBe(200);
    expect((await h.request('/api/session', { headers: csrfHeaders })).status).toBe(401);
  });

  it('opens again once the minute is over (injected clock)', async () => {
    h.clock.advance(60_000);
    expect((await h.request('/auth/login')).status).toBe(302);
    expect((await h.request('/auth/callback')).status).toBe(400);
  });

  it('logs the refusal without the address', () => {
    const lines = h.logs.lines.filter((line) => line.includes('rate limited'));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).not.toMatch(/127\.0\.0\.1|::1/);
  });
});

describe('rate limits behind a trusted proxy', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { RATE_LIMIT_LOGIN_PER_MINUTE: '2', TRUST_PROXY: 'true' } });
  });
  afterAll(async () => {
    await h.close();
  });
  const login = (forwardedFor: string) =>
    h.request('/auth/login', { headers: { 'x-forwarded-for': forwardedFor } });

  it('counts per client address as the proxy reports it', async () => {
    expect((await login('203.0.113.1')).status).toBe(302);
    expect((await login('203.0.113.1')).status).toBe(302);
    expect((await login('203.0.113.1')).status).toBe(429);
    expect((await login('203.0.113.2')).status).toBe(302);
  });

  it('trusts only the hop the proxy appended: a client cannot pick a fresh bucket by prepending addresses', async () => {
    expect((await login('198.51.100.7, 203.0.113.9')).status).toBe(302);
    expect((await login('198.51.100.8, 203.0.113.9')).status).toBe(302);
    expect((await login('198.51.100.9, 203.0.113.9')).status).toBe(429);
  });
});
