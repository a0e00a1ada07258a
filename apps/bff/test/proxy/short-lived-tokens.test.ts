import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar } from '../support/cookie-jar.ts';
import { csrfHeaders, startHarness, type Harness } from '../support/harness.ts';
import { startUpstream, echoApi } from '../support/upstream.ts';

/**
 * The dev IdP issues 6-second access tokens and rotates refresh tokens, as the provider in issue 11 did. The
 * refresh window is a third of that lifetime (2 s), not a fixed 30 s that would make every call refresh again.
 */
const TTL_SECONDS = 6;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let h: Harness;
let refreshes = 0;
const jar = new CookieJar();

beforeAll(async () => {
  upstream = await startUpstream();
  h = await startHarness({
    accessTokenTtl: TTL_SECONDS,
    apis: [echoApi(upstream.url)],
  });
  h.idp.provider!.on('grant.success', (ctx) => {
    const params = (ctx as { oidc?: { params?: { grant_type?: string } } }).oidc?.params;
    if (params?.grant_type === 'refresh_token') refreshes += 1;
  });
  await h.signIn(jar);
});
afterAll(async () => {
  await h.close();
  await upstream.close();
});

/** `count` proxied calls at once; answers the distinct tokens the upstream saw. */
async function parallelCalls(count: number): Promise<Set<string>> {
  const responses = await Promise.all(
    Array.from({ length: count }, () => h.request('/api/proxy/echo/echo', { jar, headers: csrfHeaders })),
  );
  expect(responses.map((r) => r.status)).toEqual(Array(count).fill(200));
  const bodies = await Promise.all(responses.map((r) => r.json() as Promise<{ authorization: string }>));
  return new Set(bodies.map((body) => body.authorization));
}

describe('access tokens that live a few seconds', () => {
  it('are not refreshed while fresh, right after sign-in', async () => {
    expect((await parallelCalls(20)).size).toBe(1);
    expect(refreshes).toBe(0);
  });

  it('are refreshed once for 20+ parallel calls after expiry, and not again while the new one is fresh', async () => {
    h.clock.advance((TTL_SECONDS + 1) * 1000); // the sign-in token has expired
    const first = await parallelCalls(24);
    expect(refreshes).toBe(1);
    expect(first.size).toBe(1);

    // Waves arriving after the refresh finished, as later browser calls do: the new token is fresh.
    const second = await parallelCalls(20);
    h.clock.advance(3000); // 3 s of 6 left: outside the 2 s window
    const third = await parallelCalls(20);
    expect(refreshes).toBe(1);
    expect(new Set([...first, ...second, ...third]).size).toBe(1);

    h.clock.advance(1500); // 1.5 s left: inside the window, refreshed once more (with the rotated token)
    const fourth = await parallelCalls(20);
    expect(refreshes).toBe(2);
    expect(fourth.size).toBe(1);
    expect([...fourth][0]).not.toBe([...first][0]);
  });
});
