import { authorizationUrl, sessionInfoJson } from '../fixtures/baseline.ts';
import type { Profile } from '../profile.ts';
import type { CorePlan } from '../runner/affinity.ts';
import { startChild, type ChildHandle } from '../runner/child-server.ts';
import type { ServerPool, Starters } from '../runner/pool.ts';
import { directAccessToken } from '../fixtures/tokens.ts';
import type { BareRelayOptions } from '../servers/bare-relay.ts';
import type { EocInfo, EocOptions } from '../servers/eoc.ts';
import type { FakeOpInfo, FakeOpOptions } from '../servers/fake-op.ts';
import type { FrameworklessLoginOptions } from '../servers/frameworkless-login.ts';
import type { FrameworklessInfo, FrameworklessOptions } from '../servers/frameworkless-session.ts';
import type { GatehouseInfo, GatehouseOptions } from '../servers/gatehouse.ts';
import type { RawOptions } from '../servers/raw.ts';

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
  'gatehouse-memory': ChildHandle<GatehouseInfo>;
  'gatehouse-memory-info-log': ChildHandle<GatehouseInfo>;
  /** The memory-store server with Prometheus metrics on (the others run with them off). */
  'gatehouse-memory-metrics': ChildHandle<GatehouseInfo>;
  'gatehouse-file': ChildHandle<GatehouseInfo>;
  'gatehouse-redis': ChildHandle<GatehouseInfo>;
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
    ): Promise<ChildHandle<GatehouseInfo>> => {
      const [op, upstream] = await Promise.all([pool.get('op'), pool.get('upstream')]);
      const options: GatehouseOptions = {
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
      return startChild<GatehouseInfo>(name, entry('gatehouse'), options, profiled);
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
      eoc: async () => {
        const op = await pool.get('op');
        const options: EocOptions = { issuer: op.info.issuer };
        return startChild<EocInfo>('express-openid-connect', entry('eoc'), options, launch);
      },
      'gatehouse-memory': () => gatehouse('gatehouse-memory', 'memory'),
      'gatehouse-memory-info-log': () => gatehouse('gatehouse-memory-info-log', 'memory', 'info'),
      'gatehouse-memory-metrics': () => gatehouse('gatehouse-memory-metrics', 'memory', 'warn', true),
      'gatehouse-file': () => gatehouse('gatehouse-file', 'file'),
      'gatehouse-redis': () => gatehouse('gatehouse-redis', 'redis'),
    };
  };
}
