import type { Budget } from '../report/model.ts';
import { callbackTargets, notSignedIn } from './callback.ts';
import { authorizePrefixOf, loginTarget, notLoginRedirect } from './login.ts';
import { pairedScenario } from './paired-scenario.ts';
import type { Scenario } from './scenario.ts';
import { GATEHOUSE_DEPENDENCIES } from './servers.ts';
import { notSessionInfo, sessionTarget } from './session.ts';

/**
 * The Redis store beyond one server (decision 016), each against the Redis store on the one standalone server
 * of the run (`gatehouse-redis`, the `session-redis` and `login-redis` subject) — the same BFF, the same
 * requests, only the topology differs: a Sentinel-watched master (the client talks to the master directly, so
 * the sentinels cost nothing per request) or a three-master Cluster (every command routed by slot). The private
 * topologies run on the client core, as the shared Redis does. Goal ≥ 0.9 of standalone's throughput (issue 15).
 */
export const TOPOLOGY_GOAL = 0.9;

const TOPOLOGIES = {
  sentinel: { label: 'Redis Sentinel', set: 'redis-sentinel', subject: 'gatehouse-redis-sentinel' },
  cluster: { label: 'Redis Cluster', set: 'redis-cluster', subject: 'gatehouse-redis-cluster' },
} as const;

export function redisTopologyScenario(options: {
  id: string;
  route: 'session' | 'login';
  topology: keyof typeof TOPOLOGIES;
  /** None while the goal is not met on every run: then the rows are information. */
  budget?: Budget;
}): Scenario {
  const { label, set, subject } = TOPOLOGIES[options.topology];
  const route = options.route === 'session' ? 'GET /api/session' : 'GET /auth/login';
  let authorizePrefix = '';
  return pairedScenario({
    id: options.id,
    title: `${route}, ${label} store (goal ≥ ${TOPOLOGY_GOAL} of standalone)`,
    baseline: 'the same, standalone Redis',
    servers: [...GATEHOUSE_DEPENDENCIES, 'gatehouse-redis', set, subject],
    async sides({ servers }) {
      const [op, standalone, beyond] = await Promise.all([
        servers.get('op'),
        servers.get('gatehouse-redis'),
        servers.get(subject),
      ]);
      authorizePrefix = authorizePrefixOf(op);
      const target =
        options.route === 'session'
          ? sessionTarget
          : (server: typeof beyond) => loginTarget(server.url, authorizePrefix);
      return {
        baseline: { label: 'standalone Redis', server: standalone, target: () => target(standalone) },
        subject: { label, server: beyond, target: () => target(beyond) },
      };
    },
    check: (_role, answer) =>
      options.route === 'session' ? notSessionInfo(answer) : notLoginRedirect(answer, authorizePrefix),
    throughput: true,
    latencyRate: 'half-baseline',
    figures: [
      { metric: 'throughput', budget: options.budget },
      { metric: 'cpu' },
      { metric: 'p99-ratio' },
      { metric: 'added-p50-ms' },
    ],
  });
}

/**
 * The cost of `WAIT` (decision 016): `GET /auth/callback`, the step of a login that creates the session, on the
 * Sentinel store waiting for one replica to acknowledge the new session (`REDIS_WAIT_REPLICAS=1`, the default)
 * against the same store not waiting (`0`), at the callback scenario's fixed rate. The replica runs on the same
 * machine, so this is the floor of the cost: a replica elsewhere adds its network round trip.
 */
export const waitCostScenario: Scenario = pairedScenario({
  id: 'redis-wait-cost',
  title: 'GET /auth/callback (creates a session), Redis Sentinel, WAIT for 1 replica',
  baseline: 'the same, REDIS_WAIT_REPLICAS=0',
  servers: [
    ...GATEHOUSE_DEPENDENCIES,
    'redis-sentinel',
    'gatehouse-redis-sentinel',
    'gatehouse-redis-sentinel-no-wait',
  ],
  async sides({ servers }) {
    const [op, waiting, notWaiting] = await Promise.all([
      servers.get('op'),
      servers.get('gatehouse-redis-sentinel'),
      servers.get('gatehouse-redis-sentinel-no-wait'),
    ]);
    return {
      baseline: { label: 'no WAIT', server: notWaiting, target: callbackTargets(notWaiting, op) },
      subject: { label: 'WAIT 1', server: waiting, target: callbackTargets(waiting, op) },
    };
  },
  check: (_role, answer) => notSignedIn(answer),
  throughput: false,
  latencyRate: (profile) => profile.callbackRate,
  figures: [{ metric: 'added-p50-ms' }, { metric: 'added-p99-ms' }, { metric: 'p50-ratio' }],
});
