import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signInAtIdp } from '@gatehouse/idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, type ClusterPorts } from '../../../../scripts/cluster/topology.ts';
import { CookieJar } from '../support/cookie-jar.ts';
import { sparePort, sleep } from '../support/redis-server.ts';

/**
 * docker-compose.yml's topology, run as `pnpm start:cluster` runs it (real nginx, real Redis with AOF, two built
 * BFF replicas), broken the way operators break it. Signed-in clients call `GET /api/session` through nginx in a
 * loop while a replica is killed, restarted, and Redis restarts; every answer the clients get is counted.
 */
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const CLIENTS = 6;

let cluster: Cluster;
let dataDir: string;
let lb: string;
const jars: CookieJar[] = [];

async function signInThroughNginx(jar: CookieJar): Promise<void> {
  const get = async (url: string): Promise<Response> => {
    const response = await fetch(url, {
      redirect: 'manual',
      headers: jar.cookies.size > 0 ? { cookie: jar.header() } : {},
    });
    jar.store(response);
    return response;
  };
  const login = await get(`${lb}/auth/login?returnTo=/dashboard`);
  expect(login.status).toBe(302);
  const { redirectUrl } = await signInAtIdp(login.headers.get('location')!, 'alice', 'wonderland');
  expect(redirectUrl.startsWith(`${lb}/auth/callback?`)).toBe(true);
  const callback = await get(redirectUrl);
  expect(callback.status).toBe(302);
  expect(callback.headers.get('location')).toMatch(/\/dashboard$/);
}

const sessionOf = (jar: CookieJar): Promise<Response> =>
  fetch(`${lb}/api/session`, { headers: { cookie: jar.header(), 'x-csrf': '1' } });

interface LoadResult {
  requests: number;
  /** Answers other than 200 (or no answer at all): what a user would have seen fail. */
  failed: number;
  /** 401s: a session the deployment no longer knows. */
  lost: number;
  problems: string[];
}

/** Every client calls GET /api/session in a loop (a short pause between calls) until `stop()`. */
function loop(): { stop(): Promise<LoadResult> } {
  const result: LoadResult = { requests: 0, failed: 0, lost: 0, problems: [] };
  let running = true;
  const clients = jars.map(async (jar) => {
    while (running) {
      result.requests += 1;
      try {
        const response = await sessionOf(jar);
        const body = await response.text();
        if (response.status !== 200) {
          result.failed += 1;
          if (response.status === 401) result.lost += 1;
          if (result.problems.length < 5) result.problems.push(`${response.status} ${body.slice(0, 120)}`);
        }
      } catch (error) {
        result.failed += 1;
        if (result.problems.length < 5) result.problems.push(String(error));
      }
      await sleep(20);
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(clients);
      return result;
    },
  };
}

async function waitUntilReady(url: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${url} not ready within ${timeoutMs} ms`);
    await sleep(100);
  }
}

async function scrape(url: string, series: string): Promise<number> {
  const text = await (await fetch(url)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

beforeAll(async () => {
  // The topology runs the release: build it from the current sources (tsdown, a few seconds).
  const build = spawnSync('pnpm', ['exec', 'tsdown'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`pnpm build failed:\n${build.stdout}\n${build.stderr}`);
  expect(Cluster.missingBuild(ROOT, false)).toEqual([]);

  const names: Array<keyof ClusterPorts> = [
    'lb',
    'bff1',
    'bff2',
    'metrics1',
    'metrics2',
    'idp',
    'api',
    'spa',
    'redis',
  ];
  const ports = {} as ClusterPorts;
  for (const name of names) ports[name] = await sparePort();
  dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-cluster-'));
  cluster = new Cluster({ root: ROOT, dataDir, ports, env: {}, spa: false });
  lb = cluster.urls.lb;
  await cluster.start();
  for (let i = 0; i < CLIENTS; i++) {
    const jar = new CookieJar();
    await signInThroughNginx(jar);
    jars.push(jar);
  }
}, 90_000);

afterAll(async () => {
  await cluster?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

describe('the compose topology as operators break it', () => {
  it('signs in through nginx; both replicas serve the sessions and report on their own metrics ports', async () => {
    const before = loop();
    await sleep(1_000);
    const result = await before.stop();
    expect(result).toMatchObject({ failed: 0, lost: 0 });
    const series =
      'gatehouse_http_request_duration_seconds_count{route="/api/session",method="GET",status="200"}';
    const [one, two] = [
      await scrape(cluster.urls.metrics1, series),
      await scrape(cluster.urls.metrics2, series),
    ];
    expect(one).toBeGreaterThan(0);
    expect(two).toBeGreaterThan(0);
    // nginx sends X-Forwarded-For and the replicas trust it: the login limiter saw the client, not nginx.
    expect(
      await scrape(cluster.urls.metrics1, 'gatehouse_sign_ins_total{provider="dev",outcome="success"}'),
    ).toBe(
      CLIENTS -
        (await scrape(cluster.urls.metrics2, 'gatehouse_sign_ins_total{provider="dev",outcome="success"}')),
    );
  });

  it('SIGKILL of one replica under load: no failed request, no session lost', async () => {
    const load = loop();
    await sleep(500);
    await cluster.processes.bff1.stop('SIGKILL');
    await sleep(1_500);
    const result = await load.stop();
    console.log(
      `[cluster] SIGKILL bff1: ${result.requests} requests, ${result.failed} failed, ${result.lost} lost`,
    );
    expect(result.problems).toEqual([]);
    expect(result).toMatchObject({ failed: 0, lost: 0 });
    await cluster.processes.bff1.start();
  });

  it('rolling restart (SIGTERM, start, then the other): no failed request, no session lost', async () => {
    const load = loop();
    await sleep(300);
    const stops: number[] = [];
    for (const name of ['bff1', 'bff2'] as const) {
      stops.push(await cluster.processes[name].stop('SIGTERM'));
      await cluster.processes[name].start();
      await sleep(300);
    }
    const result = await load.stop();
    console.log(
      `[cluster] rolling restart: ${result.requests} requests, ${result.failed} failed, ${result.lost} lost; ` +
        `SIGTERM to exit ${stops.map((ms) => `${Math.round(ms)} ms`).join(', ')}`,
    );
    expect(result.problems).toEqual([]);
    expect(result).toMatchObject({ failed: 0, lost: 0 });
  });

  it('restarting Redis keeps every session (AOF)', async () => {
    expect(existsSync(join(dataDir, 'redis', 'appendonlydir'))).toBe(true);
    await cluster.processes.redis.stop('SIGTERM');
    await cluster.processes.redis.start();
    await waitUntilReady(`${cluster.urls.bff1}/readyz`);
    await waitUntilReady(`${cluster.urls.bff2}/readyz`);
    for (const jar of jars) {
      const response = await sessionOf(jar);
      expect(response.status).toBe(200);
      expect(((await response.json()) as { user: { sub: string } }).user.sub).toBe('alice');
    }
  });
});
