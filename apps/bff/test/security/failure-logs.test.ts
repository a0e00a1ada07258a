import { signInAtIdp } from '@gatehouse/idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeKeyFor } from '../../src/session/keys.ts';
import { openTokens } from '../../src/tokens/sealed-tokens.ts';
import { sparePort } from '../support/redis-server.ts';
import { CookieJar } from '../support/cookie-jar.ts';
import { csrfHeaders, sessionCookieOf, startHarness, type Harness } from '../support/harness.ts';
import { startUpstream } from '../support/upstream.ts';

/**
 * Issue 11: the logs of an upstream and a provider failure say why they failed (error name and code; the
 * product's own error codes unredacted) and still hold no secret: no authorization code, token, cookie value or
 * client secret.
 */
type Line = Record<string, unknown> & { msg: string; err?: { code?: unknown } };

let h: Harness;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
const secrets = new Set<string>();
const jar = new CookieJar();

beforeAll(async () => {
  upstream = await startUpstream();
  const downPort = await sparePort();
  h = await startHarness({
    accessTokenTtl: 60,
    apis: [
      {
        name: 'slow',
        baseUrl: `${upstream.url}/base`,
        provider: 'dev',
        methods: ['GET'],
        timeoutMs: 200,
        allowInsecureHttp: true,
      },
      {
        name: 'down',
        baseUrl: `http://127.0.0.1:${downPort}`,
        provider: 'dev',
        methods: ['GET'],
        timeoutMs: 2000,
        allowInsecureHttp: true,
      },
    ],
  });
  // Sign in, keeping the authorization code, the state and every token the session holds.
  const login = await h.request('/auth/login', { jar });
  const { redirectUrl } = await signInAtIdp(login.headers.get('location')!, 'alice', 'wonderland');
  const callback = new URL(redirectUrl);
  secrets.add(callback.searchParams.get('code')!);
  secrets.add(callback.searchParams.get('state')!);
  const signedIn = await h.request(callback.pathname + callback.search, { jar });
  expect(signedIn.status).toBe(302);
  const id = sessionCookieOf(h, jar)!;
  secrets.add(id);
  const session = (await h.deps.store.get(storeKeyFor(id)))!;
  const tokens = openTokens(h.deps.cipher, session.tokens, session.provider, session.user.sub);
  for (const token of [tokens.accessToken, tokens.refreshToken, tokens.idToken])
    if (token) secrets.add(token);
  secrets.add(h.config.devClient.clientSecret);
});
afterAll(async () => {
  await h.close({ keepIdp: true });
  await upstream.close();
});

const lines = (): Line[] => h.logs.lines.map((line) => JSON.parse(line) as Line);
const call = (path: string) => h.request(path, { jar, headers: csrfHeaders });

describe('the log of a failure', () => {
  it('says why an unreachable upstream failed, with the product error code unredacted', async () => {
    const response = await call('/api/proxy/down/items');
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ error: 'upstream_unavailable' });
    const cause = lines().find((line) => line.msg === 'upstream call failed' && line.api === 'down');
    expect(cause).toMatchObject({ status: 502 });
    expect([cause?.errorCode, cause?.causeCode]).toContain('ECONNREFUSED');
    const failed = lines().find((line) => line.msg === 'request failed' && line.status === 502);
    expect(failed?.err?.code).toBe('upstream_unavailable');
  });

  it('says that a slow upstream timed out waiting for headers', async () => {
    const response = await call('/api/proxy/slow/slow');
    expect(response.status).toBe(504);
    const cause = lines().find((line) => line.msg === 'upstream call failed' && line.api === 'slow');
    expect(cause).toMatchObject({ status: 504, errorCode: 'UND_ERR_HEADERS_TIMEOUT' });
    const failed = lines().find((line) => line.msg === 'request failed' && line.status === 504);
    expect(failed?.err?.code).toBe('upstream_timeout');
  });

  it('says why a token refresh could not reach the provider', async () => {
    await h.idp.close();
    h.clock.advance(45_000); // inside the refresh window of the 60-second token
    const response = await call('/api/proxy/slow/echo');
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: 'provider_unavailable' });
    const cause = lines().find((line) => line.msg === 'token refresh failed; will retry');
    expect(cause).toMatchObject({ provider: 'dev' });
    expect([cause?.errorCode, cause?.causeCode]).toContain('ECONNREFUSED');
    const failed = lines().find((line) => line.msg === 'request failed' && line.status === 503);
    expect(failed?.err?.code).toBe('provider_unavailable');
  });

  it('holds none of the secrets the BFF handled, and redacts no error code', () => {
    expect(secrets.size).toBeGreaterThanOrEqual(7);
    const text = h.logs.text;
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]+\.eyJ/);
    expect(text).not.toContain('"code":"[redacted]"');
  });
});
