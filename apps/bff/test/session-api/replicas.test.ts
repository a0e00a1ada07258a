import { randomBytes } from 'node:crypto';
import {
  CookieJar as IdpCookieJar,
  firstPartyClient,
  signInAtIdp,
  signOutAtIdp,
  startIdp,
  type RunningIdp,
} from '@gatehouse/idp';
import { SessionInfoSchema, SessionListSchema } from '@gatehouse/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBffProcess, type BffProcess } from '../support/bff-process.ts';
import { CookieJar } from '../support/cookie-jar.ts';
import { EventStreamReader } from '../support/event-stream.ts';
import { sparePort, until } from '../support/redis-server.ts';
import { topologiesOn } from '../support/redis-topology.ts';
import { deleteUnder, sharedAdmin, closeSharedAdmin, REDIS_URL } from '../store/redis-helpers.ts';

/**
 * Two real BFF processes sharing one Redis, as behind a load balancer: a session made by one is honoured,
 * listed, revoked and logged out by the other, at once — on one Redis server, through Sentinel and on a
 * Cluster of three masters, each started by this file.
 */
const prefix = `replicas-${randomBytes(4).toString('hex')}:`;
const SPA = 'http://localhost:5173';

/** Where the replicas' Redis is: its environment variables, and how to delete what the tests wrote. */
interface SharedRedis {
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

async function call(bff: BffProcess, jar: CookieJar, path: string, method = 'GET'): Promise<Response> {
  const response = await fetch(`${bff.url}${path}`, {
    method,
    redirect: 'manual',
    headers: { cookie: jar.header(), 'X-CSRF': '1' },
  });
  jar.store(response);
  return response;
}

async function signInThrough(
  bff: BffProcess,
  user = 'alice',
  password = 'wonderland',
  idpJar = new IdpCookieJar(),
): Promise<CookieJar> {
  const jar = new CookieJar();
  const login = await call(bff, jar, '/auth/login?returnTo=/dashboard');
  const { redirectUrl } = await signInAtIdp(login.headers.get('location')!, user, password, idpJar);
  const callback = new URL(redirectUrl);
  const landed = await call(bff, jar, callback.pathname + callback.search);
  expect(landed.headers.get('location')).toBe(`${SPA}/dashboard`);
  return jar;
}

function describeReplicas(name: string, redis: () => Promise<SharedRedis>): void {
  describe(`two BFF replicas sharing ${name}`, () => {
    let idp: RunningIdp;
    let a: BffProcess;
    let b: BffProcess;
    let shared: SharedRedis | undefined;

    beforeAll(async () => {
      shared = await redis(); // fails loudly without Redis
      const [portA, portB] = [await sparePort(), await sparePort()];
      const client = firstPartyClient({
        clientId: 'gatehouse',
        clientSecret: 'gatehouse-dev-secret',
        publicBffUrl: `http://localhost:${portA}`,
        spaOrigins: [SPA],
      });
      idp = await startIdp({
        port: 0,
        clients: [
          {
            ...client,
            redirect_uris: [
              `http://localhost:${portA}/auth/callback`,
              `http://localhost:${portB}/auth/callback`,
            ],
          },
        ],
      });
      const env = {
        IDP_PORT: new URL(idp.issuer).port,
        SPA_ORIGINS: SPA,
        SESSION_STORE: 'redis',
        ...shared.env,
        REDIS_KEY_PREFIX: prefix,
        SESSION_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
        SESSION_TOUCH_INTERVAL: '0',
      };
      [a, b] = await Promise.all([startBffProcess(env, portA), startBffProcess(env, portB)]);
      // As a load balancer would: traffic only once each replica's store answers (/readyz).
      for (const bff of [a, b]) {
        await until(
          () => fetch(`${bff.url}/readyz`).then((r) => r.status),
          (status) => status === 200,
          20_000,
        );
      }
    }, 60_000);

    afterAll(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
      await idp?.close();
      await shared?.cleanup();
    });

    it('honours on B a session created on A', async () => {
      const jar = await signInThrough(a);
      const response = await call(b, jar, '/api/session');
      expect(response.status).toBe(200);
      expect(SessionInfoSchema.parse(await response.json()).user.email).toBe('alice@example.com');
    });

    it('revokes through B a session that A then refuses at once', async () => {
      const laptop = await signInThrough(a);
      const phone = await signInThrough(a);
      const sessions = SessionListSchema.parse(await (await call(b, phone, '/api/sessions')).json());
      const laptopId = sessions.find((s) => !s.current && s.provider === 'dev');
      expect(laptopId).toBeDefined();
      // Revoke every other session of alice through B, then check each on A.
      for (const s of sessions.filter((entry) => !entry.current)) {
        expect((await call(b, phone, `/api/sessions/${s.id}`, 'DELETE')).status).toBe(204);
      }
      expect((await call(a, laptop, '/api/session')).status).toBe(401);
      expect((await call(a, phone, '/api/session')).status).toBe(200);
    });

    it('logs out through A and B refuses the cookie at once', async () => {
      const jar = await signInThrough(b);
      const cookie = jar.header();
      expect((await call(a, jar, '/auth/logout', 'POST')).status).toBe(200);
      const replay = await fetch(`${b.url}/api/session`, { headers: { cookie, 'X-CSRF': '1' } });
      expect(replay.status).toBe(401);
    });

    it('signs out everywhere through B, bob untouched', async () => {
      const one = await signInThrough(a);
      const two = await signInThrough(b);
      const bob = await signInThrough(a, 'bob', 'builder');
      expect((await call(b, one, '/api/sessions', 'DELETE')).status).toBe(204);
      expect((await call(a, two, '/api/session')).status).toBe(401);
      expect((await call(a, one, '/api/session')).status).toBe(401);
      expect((await call(b, bob, '/api/session')).status).toBe(200);
    });

    it("ends through A's back-channel endpoint a session that B then refuses", async () => {
      // Two Gatehouse sessions in one IdP session (one browser, two tabs): they share the IdP's sid.
      const idpJar = new IdpCookieJar();
      const first = await signInThrough(b, 'alice', 'wonderland', idpJar);
      const second = await signInThrough(b, 'alice', 'wonderland', idpJar);
      const bob = await signInThrough(b, 'bob', 'builder');
      // Signing out of the first leads the browser to the IdP's end-session endpoint...
      const logout = await call(b, first, '/auth/logout', 'POST');
      const { redirectTo } = (await logout.json()) as { redirectTo: string };
      await signOutAtIdp(redirectTo, idpJar);
      // ...where the IdP posts a logout token for its sid to A, the replica registered with it.
      await expect.poll(async () => (await call(b, second, '/api/session')).status).toBe(401);
      expect((await call(a, second, '/api/session')).status).toBe(401);
      expect((await call(b, bob, '/api/session')).status).toBe(200);
    });

    it('a revoke on A ends the event stream B serves for that session, and a sign-out on B one A serves', async () => {
      const laptop = await signInThrough(a);
      const phone = await signInThrough(a);
      const open = async (bff: BffProcess, jar: CookieJar) => {
        const response = await fetch(`${bff.url}/api/session/events`, {
          headers: { cookie: jar.header(), Origin: SPA, Accept: 'text/event-stream' },
        });
        expect(response.status).toBe(200);
        const reader = new EventStreamReader(response);
        expect((await reader.next()).event).toBe('session');
        return reader;
      };
      const onB = await open(b, laptop);
      const sessions = SessionListSchema.parse(await (await call(a, phone, '/api/sessions')).json());
      const handles = sessions.filter((s) => !s.current).map((s) => s.id);
      for (const id of handles)
        expect((await call(a, phone, `/api/sessions/${id}`, 'DELETE')).status).toBe(204);
      expect(await onB.next(3_000)).toEqual({ event: 'ended', data: { reason: 'revoked' } });
      await onB.ended;

      const onA = await open(a, phone);
      expect((await call(b, phone, '/auth/logout', 'POST')).status).toBe(200);
      expect(await onA.next(3_000)).toEqual({ event: 'ended', data: { reason: 'signed_out' } });
    });
  });
}

// Servers on ports 24200-24212, started by this file.
const topologies = topologiesOn(24200);
afterAll(() => topologies.stop(), 30_000);

describeReplicas('one Redis server', async () => {
  await sharedAdmin();
  return {
    env: { REDIS_URL },
    cleanup: async () => {
      const admin = await sharedAdmin();
      await deleteUnder(admin, prefix);
      await closeSharedAdmin(prefix);
    },
  };
});

for (const [name, start, variable] of [
  ['Redis through Sentinel', topologies.sentinels, 'REDIS_SENTINELS'],
  ['a Redis Cluster', topologies.cluster, 'REDIS_CLUSTER_NODES'],
] as const) {
  describeReplicas(name, async () => {
    const redis = await start();
    return { env: { [variable]: redis.env }, cleanup: () => redis.deleteUnder(prefix) };
  });
}
