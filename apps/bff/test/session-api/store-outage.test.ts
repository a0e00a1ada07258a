import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../../src/store/redis-store.ts';
import { CookieJar } from '../support/cookie-jar.ts';
import { csrfHeaders, startHarness, type Harness } from '../support/harness.ts';
import { sparePort, startRedis, stopAllRedis, timed, until } from '../support/redis-server.ts';

/**
 * The BFF over a Redis that stops answering: 503 `store_unavailable` within a second, `/readyz` 503, the
 * cookie kept, no 500 — and the same cookie working again once Redis is back, without a restart.
 */
let redis: ChildProcess;
let h: Harness;
const jar = new CookieJar();

beforeAll(async () => {
  const port = await sparePort();
  redis = await startRedis(port);
  h = await startHarness({
    env: { SESSION_STORE: 'redis' },
    store: (clock) =>
      createRedisStore({
        url: `redis://127.0.0.1:${port}`,
        clock: clock.now,
        keyPrefix: 'outage:',
        commandTimeoutMs: 500,
      }),
  });
  await h.signIn(jar);
});
afterAll(async () => {
  redis.kill('SIGCONT');
  await h.close();
  await stopAllRedis();
});

describe('a Redis outage, seen from the browser', () => {
  it('answers 503 store_unavailable within a second, keeps the cookie, and recovers by itself', async () => {
    expect((await h.request('/api/session', { jar, headers: csrfHeaders })).status).toBe(200);
    redis.kill('SIGSTOP');
    try {
      const { ms, value: response } = await timed(h.request('/api/session', { jar, headers: csrfHeaders }));
      console.log(`bff over frozen redis: 503 in ${Math.round(ms)} ms`);
      expect(response!.status).toBe(503);
      expect(await response!.json()).toMatchObject({ error: 'store_unavailable' });
      expect(response!.headers.getSetCookie()).toEqual([]);
      expect(ms).toBeLessThan(1000);

      const ready = await h.request('/readyz');
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ error: 'store_unavailable' });
      const login = await h.request('/auth/login');
      expect(login.status).toBe(503);
      const logout = await h.request('/auth/logout', { method: 'POST', jar, headers: csrfHeaders });
      expect(logout.status).toBe(503);
      expect(jar.cookies.get('__Host-gatehouse')).toBeDefined();
    } finally {
      redis.kill('SIGCONT');
    }
    const recovered = await until(
      () => h.request('/api/session', { jar, headers: csrfHeaders }).then((r) => r.status),
      (status) => status === 200,
      5000,
    );
    console.log(`bff over redis: recovered in ${Math.round(recovered)} ms`);
    expect((await h.request('/readyz')).status).toBe(200);
  });
});
