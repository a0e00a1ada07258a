import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar } from '../support/cookie-jar.ts';
import { csrfHeaders, sessionCookieOf, startHarness, type Harness } from '../support/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

async function expectJsonError(response: Response, status: number, code: string): Promise<void> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/application\/json/);
  const body = (await response.json()) as { error: string; message: string };
  expect(body.error).toBe(code);
  expect(typeof body.message).toBe('string');
  expect(JSON.stringify(body)).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
}

describe('bad input gets a JSON 4xx, never a 500 or a crash', () => {
  it.each(['garbage', '', 'a'.repeat(43), '%00%ff', 'x'.repeat(4000), '../../etc/passwd'])(
    'treats session cookie %j as no session',
    async (value) => {
      const response = await h.request('/api/session', {
        headers: { ...csrfHeaders, cookie: `__Host-gatehouse=${value}` },
      });
      await expectJsonError(response, 401, 'unauthenticated');
    },
  );

  it('survives duplicate session cookies: the first decides, a garbage one answers 401 JSON', async () => {
    const jar = new CookieJar();
    await h.signIn(jar);
    const good = sessionCookieOf(h, jar)!;
    const garbageFirst = await h.request('/api/session', {
      headers: { ...csrfHeaders, cookie: `__Host-gatehouse=garbage; __Host-gatehouse=${good}` },
    });
    await expectJsonError(garbageFirst, 401, 'unauthenticated');
    const goodFirst = await h.request('/api/session', {
      headers: { ...csrfHeaders, cookie: `__Host-gatehouse=${good}; __Host-gatehouse=garbage` },
    });
    expect(goodFirst.status).toBe(200);
  });

  it('answers unknown routes and methods with JSON', async () => {
    await expectJsonError(await h.request('/nope'), 404, 'not_found');
    await expectJsonError(await h.request('/auth/login', { method: 'DELETE' }), 405, 'method_not_allowed');
  });

  it('answers oversized headers with JSON 431', async () => {
    const response = await h.request('/healthz', { headers: { 'x-big': 'a'.repeat(40 * 1024) } });
    await expectJsonError(response, 431, 'invalid_request');
  });

  it('keeps serving after all of the above', async () => {
    const response = await h.request('/healthz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('is ready while the store answers', async () => {
    const response = await h.request('/readyz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready', store: 'memory' });
  });
});
