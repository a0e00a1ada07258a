import { randomBytes } from 'node:crypto';
import { firstPartyClient, signInAtIdp, startIdp, type RunningIdp } from '@gatehouse/idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamRegistry } from '../../src/events/stream-registry.ts';
import { startBffProcess, type BffProcess } from '../support/bff-process.ts';
import { CookieJar } from '../support/cookie-jar.ts';
import { EventStreamReader } from '../support/event-stream.ts';
import { csrfHeaders, SPA_ORIGIN, startHarness } from '../support/harness.ts';
import { sparePort } from '../support/redis-server.ts';
import { startUpstream } from '../support/upstream.ts';

/**
 * SIGTERM to a real BFF process (`src/server.ts`) holding a browser's live event stream and a proxied stream in
 * flight: the event stream ends at once with a reconnect hint (`retry`) — it would otherwise hold the shutdown
 * for the whole grace period, here a minute, longer than this test may take — while the proxied stream goes on
 * until its upstream finishes it, and only then does the process exit.
 */
const SPA = 'http://localhost:5173';
let idp: RunningIdp;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let bff: BffProcess;

beforeAll(async () => {
  upstream = await startUpstream();
  const port = await sparePort();
  idp = await startIdp({
    port: 0,
    apiAudience: `http://localhost:${new URL(upstream.url).port}`,
    clients: [
      firstPartyClient({
        clientId: 'gatehouse',
        clientSecret: 'gatehouse-dev-secret',
        publicBffUrl: `http://localhost:${port}`,
        spaOrigins: [SPA],
      }),
    ],
  });
  bff = await startBffProcess(
    {
      IDP_PORT: new URL(idp.issuer).port,
      // The default providers file relays `notes` to this port: the upstream's `/base/stream` is reachable.
      API_PORT: new URL(upstream.url).port,
      SPA_ORIGINS: SPA,
      SESSION_STORE: 'memory',
      SESSION_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      SHUTDOWN_TIMEOUT_MS: '60000',
    },
    port,
  );
}, 30_000);

afterAll(async () => {
  await bff?.stop();
  await idp?.close();
  await upstream?.close();
});

async function signIn(): Promise<CookieJar> {
  const jar = new CookieJar();
  const call = async (path: string) => {
    const response = await fetch(`${bff.url}${path}`, {
      redirect: 'manual',
      headers: { cookie: jar.header() },
    });
    jar.store(response);
    return response;
  };
  const login = await call('/auth/login?returnTo=/');
  const { redirectUrl } = await signInAtIdp(login.headers.get('location')!, 'alice', 'wonderland');
  const callback = new URL(redirectUrl);
  expect((await call(callback.pathname + callback.search)).status).toBe(302);
  return jar;
}

describe('SIGTERM with a live event stream and a proxied stream open', () => {
  it('ends the event stream at once with a reconnect hint, finishes the proxied stream, then exits 0', async () => {
    const jar = await signIn();
    const events = new EventStreamReader(
      await fetch(`${bff.url}/api/session/events`, { headers: { cookie: jar.header(), origin: SPA } }),
    );
    expect((await events.next()).event).toBe('session');

    const proxied = await fetch(`${bff.url}/api/proxy/notes/base/stream`, {
      headers: { cookie: jar.header(), 'X-CSRF': '1' },
    });
    expect(proxied.status).toBe(200);
    const body = proxied.body!.pipeThrough(new TextDecoderStream()).getReader();
    expect((await body.read()).value).toBe('first;');

    bff.signal('SIGTERM');
    await events.ended;
    expect(events.retryMs).toBeGreaterThanOrEqual(500);
    expect(events.retryMs).toBeLessThanOrEqual(2_500);
    // The session goes on: no `ended` event, only the end of this replica's stream.
    await expect(events.next()).rejects.toThrow('the event stream closed');

    // The proxied stream is still in flight, and the process waits for it: its second half, sent by the upstream
    // only now, still arrives.
    upstream.release();
    let rest = '';
    for (let chunk = await body.read(); !chunk.done; chunk = await body.read()) rest += chunk.value;
    expect(rest).toBe('second');
    expect(await bff.exited).toBe(0);
  }, 30_000);
});

describe('a replica shutting down', () => {
  it('ends every open stream with a reconnect hint and refuses a new one with 503, so nginx tries another', async () => {
    const streams = new StreamRegistry({ maxPerSession: 5, maxStreams: 100, heartbeatMs: 60_000 }, Date.now);
    const h = await startHarness({ streams });
    try {
      const jar = new CookieJar();
      await h.signIn(jar);
      const open = () =>
        h.request('/api/session/events', {
          jar,
          headers: { Origin: SPA_ORIGIN, Accept: 'text/event-stream' },
        });
      const readers = [new EventStreamReader(await open()), new EventStreamReader(await open())];
      for (const reader of readers) expect((await reader.next()).event).toBe('session');

      expect(streams.endAll()).toBe(2);
      for (const reader of readers) {
        await reader.ended;
        expect(reader.retryMs).not.toBeNull();
      }
      const refused = await open();
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(await refused.json()).toMatchObject({ error: 'too_many_streams' });
      // Ordinary requests are still answered until the listener's last connection closes.
      expect((await h.request('/api/session', { jar, headers: csrfHeaders })).status).toBe(200);
    } finally {
      await h.close();
    }
  });
});
