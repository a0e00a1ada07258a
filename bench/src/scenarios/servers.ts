import { rmSync } from 'node:fs';
import { authorizationUrl, sessionInfoJson } from '../fixtures/baseline.ts';
import type { Profile } from '../profile.ts';
import type { CorePlan } from '../runner/affinity.ts';
import { startChild, type ChildHandle } from '../runner/child-server.ts';
import type { ServerPool, Starters } from '../runner/pool.ts';
import { directAccessToken } from '../fixtures/tokens.ts';
import type { BareRelayOptions } from '../servers/bare-relay.ts';
import type { BetterAuthInfo, BetterAuthOptions } from '../servers/better-auth.ts';
import type { KoaSessionFloorInfo, KoaSessionFloorOptions } from '../servers/koa-session-floor.ts';
import type { EocInfo, EocOptions } from '../servers/eoc.ts';
import type { FakeOpInfo, FakeOpOptions } from '../servers/fake-op.ts';
import type { FrameworklessLoginOptions } from '../servers/frameworkless-login.ts';
import type { FrameworklessInfo, FrameworklessOptions } from '../servers/frameworkless-session.ts';
import type { GatehouseInfo, GatehouseOptions } from '../servers/gatehouse.ts';
import type { RawOptions } from '../servers/raw.ts';
import {
  CLUSTER_BUS_OFFSET,
  redisChildren,
  startCluster,
  startSentinelSet,
  stopRedis,
  type RedisCluster,
  type SentinelSet,
} from '../gatehouse/bff.ts';
import { pinProcess } from '../runner/affinity.ts';
import { freePortBlock } from '../runner/ports.ts';
import { atExit } from '../runner/processes.ts';

/**
 * Every server a scenario may ask for, and how each is started. What is measured runs on the server core; what
 * the BFF calls (its OpenID provider, the proxied API) runs on the client core, as Redis does: a real provider
 * or API is another machine, and on one shared core their work would be counted as the BFF's, and every call
 * would wait for the scheduler to switch between the two.
 */
export interface Servers {
  /** The OpenID provider the BFF and express-openid-connect sign in with (client core). */
  op: ChildHandle<FakeOpInfo>;
  /** The same provider on the server core: the callback scenario's baseline, its token endpoint alone. */
  'op-alone': ChildHandle<FakeOpInfo>;
  raw: ChildHandle<unknown>;
  /** The API behind the BFF's proxy (client core): raw node:http, as the proxy's baseline is. */
  upstream: ChildHandle<unknown>;
  eoc: ChildHandle<EocInfo>;
  koa: ChildHandle<unknown>;
  /** References: `GET /api/session` and `GET /auth/login` with no framework, a relay that only relays. */
  frameworkless: ChildHandle<FrameworklessInfo>;
  'frameworkless-login': ChildHandle<unknown>;
  'bare-relay': ChildHandle<unknown>;
  /** The named-library floor: Koa, koa-session over a Map, @koa/router; session, login and proxy routes. */
  'koa-session-floor': ChildHandle<KoaSessionFloorInfo>;
  /** The peer: Better Auth on its SQLite database, and with its cookie cache on. */
  'better-auth': ChildHandle<BetterAuthInfo>;
  'better-auth-cookie-cache': ChildHandle<BetterAuthInfo>;
  'gatehouse-memory': ChildHandle<GatehouseInfo>;
  'gatehouse-memory-info-log': ChildHandle<GatehouseInfo>;
  /** The memory-store server with Prometheus metrics on (the others run with them off). */
  'gatehouse-memory-metrics': ChildHandle<GatehouseInfo>;
  'gatehouse-file': ChildHandle<GatehouseInfo>;
  /**
   * The product as `pnpm start` runs it: the default (file) store, the default level (info), metrics on (the
   * default), and its log lines read and prefixed by the same code as `pnpm start`'s, on the same core.
   */
  'gatehouse-start': ChildHandle<GatehouseInfo>;
  'gatehouse-redis': ChildHandle<GatehouseInfo>;
  /** Private Redis topologies on free ports (client core): master + replica + three sentinels; three masters. */
  'redis-sentinel': RedisSet<SentinelSet>;
  'redis-cluster': RedisSet<RedisCluster>;
  /** The Redis store through the sentinels, with `WAIT` for one replica on session creation (the default)... */
  'gatehouse-redis-sentinel': ChildHandle<GatehouseInfo>;
  /** ...and without it (`REDIS_WAIT_REPLICAS=0`): the baseline of the cost of `WAIT`. */
  'gatehouse-redis-sentinel-no-wait': ChildHandle<GatehouseInfo>;
  'gatehouse-redis-cluster': ChildHandle<GatehouseInfo>;
}

/** A running Redis topology and the environment that points the BFF at it. */
export interface RedisSet<T> {
  topology: T;
  env: Record<string, string>;
  stop(): Promise<void>;
}
export type ServerName = keyof Servers;

/**
 * What every Gatehouse server is started against. The pool stops a server after the last scenario that lists it,
 * so a scenario that uses a Gatehouse server lists these as well.
 */
export const GATEHOUSE_DEPENDENCIES = ['op', 'upstream'] as const satisfies readonly ServerName[];

export interface ServerSettings {
  profile: Profile;
  cores: CorePlan;
  redisUrl: string;
  redisKeyPrefix: string;
  workDir: string;
  /** `--cpu-prof` for the Gatehouse servers: profiles land in `cpuProfileDir`. */
  cpuProfileDir: string | null;
}

const SENTINEL_NAME = 'gatehouse-bench';

/**
 * Starts a Redis topology on a free block of ports, its servers pinned to the client core as the shared Redis
 * is. Whatever happens, none outlives the run: a failed start stops the servers it had started, and the exit
 * cleanup kills any left.
 */
async function redisSet<T extends { dir: string; stop(): Promise<void> }>(
  ports: number,
  busOffset: number | undefined,
  start: (base: number) => Promise<T>,
  describe: (topology: T) => { pids: Array<number | undefined>; env: Record<string, string> },
  core: number | null,
): Promise<RedisSet<T>> {
  atExit(() => redisChildren.forEach((child) => child.kill('SIGKILL')));
  const before = new Set(redisChildren);
  let topology: T;
  try {
    topology = await start(await freePortBlock(ports, busOffset));
  } catch (error) {
    const started = [...redisChildren].filter((child) => !before.has(child));
    await Promise.all(started.map((child) => stopRedis(child, 'SIGKILL')));
    throw error;
  }
  atExit(() => rmSync(topology.dir, { recursive: true, force: true }));
  const { pids, env } = describe(topology);
  if (core !== null) for (const pid of pids) if (pid !== undefined) pinProcess(pid, core);
  return { topology, env, stop: () => topology.stop() };
}

const entry = (name: string): URL => new URL(`../servers/${name}.ts`, import.meta.url);

export function serverStarters(settings: ServerSettings): (pool: ServerPool<Servers>) => Starters<Servers> {
  const launch = { core: settings.cores.serverCore };
  const dependency = { core: settings.cores.clientCore };
  const profiled = settings.cpuProfileDir
    ? { ...launch, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${settings.cpuProfileDir}`] }
    : launch;

  return (pool) => {
    const gatehouse = async (
      name: ServerName,
      store: GatehouseOptions['store'],
      logLevel = 'warn',
      metrics = false,
      redisTopology?: Record<string, string>,
      asStarted = false,
    ): Promise<ChildHandle<GatehouseInfo>> => {
      const [op, upstream] = await Promise.all([pool.get('op'), pool.get('upstream')]);
      const options: GatehouseOptions = {
        redisTopology,
        store,
        logLevel,
        issuer: op.info.issuer,
        upstream: upstream.url,
        sessions: settings.profile.sessions,
        redisUrl: settings.redisUrl,
        redisKeyPrefix: `${settings.redisKeyPrefix}${name}:`,
        workDir: settings.workDir,
        metrics,
      };
      return startChild<GatehouseInfo>(
        name,
        entry('gatehouse'),
        options,
        asStarted ? { ...profiled, stdout: { prefix: '[bff]' } } : profiled,
      );
    };

    const fakeOp = (name: string, core: typeof launch) => {
      const options: FakeOpOptions = { audience: 'http://127.0.0.1/notes' };
      return startChild<FakeOpInfo>(name, entry('fake-op'), options, core);
    };
    const rawServer = async (name: string, core: typeof launch) => {
      const op = await pool.get('op');
      const options: RawOptions = {
        json: sessionInfoJson(Date.now()),
        location: authorizationUrl(op.info.issuer, 'http://127.0.0.1:3000/auth/callback'),
      };
      return startChild<unknown>(name, entry('raw'), options, core);
    };

    return {
      op: () => fakeOp('local OP', dependency),
      'op-alone': () => fakeOp('local OP (baseline)', launch),
      raw: () => rawServer('raw node:http', launch),
      upstream: () => rawServer('upstream API', dependency),
      koa: () => {
        const options: Pick<RawOptions, 'json'> = { json: sessionInfoJson(Date.now()) };
        return startChild<unknown>('minimal Koa', entry('koa-minimal'), options, launch);
      },
      frameworkless: () => {
        const options: FrameworklessOptions = {
          sessions: settings.profile.sessions,
          issuer: 'http://127.0.0.1:4000',
          audience: 'http://127.0.0.1/notes',
        };
        return startChild<FrameworklessInfo>(
          'framework-free session',
          entry('frameworkless-session'),
          options,
          launch,
        );
      },
      'frameworkless-login': async () => {
        const op = await pool.get('op');
        const options: FrameworklessLoginOptions = { issuer: op.info.issuer };
        return startChild<unknown>('framework-free login', entry('frameworkless-login'), options, launch);
      },
      'bare-relay': async () => {
        const upstream = await pool.get('upstream');
        const options: BareRelayOptions = { upstream: upstream.url, accessToken: directAccessToken() };
        return startChild<unknown>('bare relay', entry('bare-relay'), options, launch);
      },
      'koa-session-floor': async () => {
        const [op, upstream] = await Promise.all([pool.get('op'), pool.get('upstream')]);
        const options: KoaSessionFloorOptions = {
          sessions: settings.profile.sessions,
          issuer: op.info.issuer,
          upstream: upstream.url,
        };
        return startChild<KoaSessionFloorInfo>(
          'Koa + koa-session + @koa/router',
          entry('koa-session-floor'),
          options,
          launch,
        );
      },
      'better-auth': () => {
        const options: BetterAuthOptions = { workDir: settings.workDir, cookieCache: false };
        return startChild<BetterAuthInfo>('Better Auth', entry('better-auth'), options, launch);
      },
      'better-auth-cookie-cache': () => {
        const options: BetterAuthOptions = { workDir: settings.workDir, cookieCache: true };
        return startChild<BetterAuthInfo>('Better Auth, cookie cache', entry('better-auth'), options, launch);
      },
      eoc: async () => {
        const op = await pool.get('op');
        const options: EocOptions = { issuer: op.info.issuer };
        return startChild<EocInfo>('express-openid-connect', entry('eoc'), options, launch);
      },
      'gatehouse-memory': () => gatehouse('gatehouse-memory', 'memory'),
      'gatehouse-memory-info-log': () => gatehouse('gatehouse-memory-info-log', 'memory', 'info'),
      'gatehouse-memory-metrics': () => gatehouse('gatehouse-memory-metrics', 'memory', 'warn', true),
      'gatehouse-file': () => gatehouse('gatehouse-file', 'file'),
      'gatehouse-start': () => gatehouse('gatehouse-start', 'file', 'info', true, undefined, true),
      'gatehouse-redis': () => gatehouse('gatehouse-redis', 'redis'),
      'redis-sentinel': () =>
        redisSet(
          5,
          undefined,
          (base) => startSentinelSet(base, SENTINEL_NAME),
          (set) => ({
            pids: [set.master, set.replica, ...set.sentinels].map((n) => n.child.pid),
            env: { REDIS_SENTINELS: set.env, REDIS_SENTINEL_NAME: SENTINEL_NAME },
          }),
          dependency.core,
        ),
      'redis-cluster': () =>
        redisSet(
          3,
          CLUSTER_BUS_OFFSET,
          startCluster,
          (cluster) => ({
            pids: cluster.masters.map((n) => n.child.pid),
            env: { REDIS_CLUSTER_NODES: cluster.env },
          }),
          dependency.core,
        ),
      'gatehouse-redis-sentinel': async () => {
        const { env } = await pool.get('redis-sentinel');
        return gatehouse('gatehouse-redis-sentinel', 'redis', 'warn', false, {
          ...env,
          REDIS_WAIT_REPLICAS: '1',
        });
      },
      'gatehouse-redis-sentinel-no-wait': async () => {
        const { env } = await pool.get('redis-sentinel');
        return gatehouse('gatehouse-redis-sentinel-no-wait', 'redis', 'warn', false, {
          ...env,
          REDIS_WAIT_REPLICAS: '0',
        });
      },
      'gatehouse-redis-cluster': async () => {
        const { env } = await pool.get('redis-cluster');
        return gatehouse('gatehouse-redis-cluster', 'redis', 'warn', false, env);
      },
    };
  };
}
