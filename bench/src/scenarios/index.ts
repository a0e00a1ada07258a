import { bareRelayScenario } from './bare-relay.ts';
import { bundleScenario } from './bundle.ts';
import { callbackScenario } from './callback.ts';
import { eventStreamsScenario } from './event-streams.ts';
import { frameworklessScenario } from './frameworkless.ts';
import { koaFloorScenario } from './koa-floor.ts';
import { proxyOverRelayScenario, redisTailScenario } from './latency-budgets.ts';
import { floorScenario, type FloorRoute } from './library-floor.ts';
import { loginScenario } from './login.ts';
import { memoryScenario } from './memory.ts';
import { metricsOverheadScenario } from './metrics-overhead.ts';
import { proxyScenario } from './proxy.ts';
import { redisTopologyScenario, waitCostScenario } from './redis-topologies.ts';
import type { Scenario } from './scenario.ts';
import { sessionScenario } from './session.ts';
import type { ServerName } from './servers.ts';

const ROUTE_TITLES: Record<FloorRoute, string> = {
  session: 'GET /api/session',
  login: 'GET /auth/login',
  proxy: 'GET /api/proxy/notes/…',
};

/** Gatehouse over the named-library floor, one route on one of its configurations. */
const floor = (
  route: FloorRoute,
  subject: Extract<ServerName, `gatehouse-${string}`>,
  configuration: string,
  id: string,
): Scenario =>
  floorScenario({
    id: `floor-${route}-${id}`,
    title: `${ROUTE_TITLES[route]}, ${configuration}`,
    route,
    subject,
  });

/**
 * Every scenario, in running order: those of one Gatehouse server follow each other, so each server starts (and
 * seeds its store) once; login floods of transactions come last on their server.
 */
export const SCENARIOS: Scenario[] = [
  sessionScenario({
    id: 'session-memory',
    title: 'GET /api/session, memory store',
    subject: 'gatehouse-memory',
    baseline: 'raw',
    budgets: { throughput: { min: 0.75 }, cpu: { min: 0.75 } },
  }),
  metricsOverheadScenario,
  callbackScenario,
  proxyScenario,
  proxyOverRelayScenario,
  floor('session', 'gatehouse-memory', 'memory store', 'memory'),
  floor('proxy', 'gatehouse-memory', 'memory store', 'memory'),
  loginScenario({
    id: 'login-memory',
    title: 'GET /auth/login, memory store',
    subject: 'gatehouse-memory',
    budget: 0.5,
  }),
  floor('login', 'gatehouse-memory', 'memory store', 'memory'),
  sessionScenario({
    id: 'session-memory-info-log',
    title: 'GET /api/session, memory store, LOG_LEVEL=info (the default level)',
    subject: 'gatehouse-memory-info-log',
    baseline: 'raw',
    budgets: {},
  }),
  sessionScenario({
    id: 'session-file',
    title: 'GET /api/session, file store',
    subject: 'gatehouse-file',
    baseline: 'raw',
    budgets: { throughput: { min: 0.7 } },
  }),
  sessionScenario({
    id: 'session-vs-eoc',
    title: 'GET /api/session, file store (the default store)',
    subject: 'gatehouse-file',
    baseline: 'eoc',
    budgets: { throughput: { min: 3 } },
  }),
  sessionScenario({
    id: 'session-vs-better-auth',
    title: 'GET /api/session, file store (the default store)',
    subject: 'gatehouse-file',
    baseline: 'better-auth',
    budgets: { throughput: { min: 1 } },
  }),
  sessionScenario({
    id: 'session-vs-better-auth-cookie-cache',
    title: 'GET /api/session, file store (the default store)',
    subject: 'gatehouse-file',
    baseline: 'better-auth-cookie-cache',
    budgets: {},
  }),
  floor('session', 'gatehouse-file', 'file store', 'file'),
  floor('proxy', 'gatehouse-file', 'file store', 'file'),
  floor('login', 'gatehouse-file', 'file store', 'file'),
  floor(
    'session',
    'gatehouse-start',
    'as `pnpm start` runs it (file store, LOG_LEVEL=info, log piped)',
    'start',
  ),
  floor(
    'proxy',
    'gatehouse-start',
    'as `pnpm start` runs it (file store, LOG_LEVEL=info, log piped)',
    'start',
  ),
  floor(
    'login',
    'gatehouse-start',
    'as `pnpm start` runs it (file store, LOG_LEVEL=info, log piped)',
    'start',
  ),
  redisTailScenario,
  sessionScenario({
    id: 'session-redis',
    title: 'GET /api/session, Redis store',
    subject: 'gatehouse-redis',
    baseline: 'raw',
    budgets: { throughput: { min: 0.6 }, 'p99-ratio': { max: 2 } },
  }),
  floor('session', 'gatehouse-redis', 'Redis store', 'redis'),
  floor('proxy', 'gatehouse-redis', 'Redis store', 'redis'),
  redisTopologyScenario({ id: 'session-redis-sentinel', route: 'session', topology: 'sentinel' }),
  redisTopologyScenario({ id: 'session-redis-cluster', route: 'session', topology: 'cluster' }),
  waitCostScenario,
  loginScenario({
    id: 'login-redis',
    title: 'GET /auth/login, Redis store',
    subject: 'gatehouse-redis',
    budget: 0.35,
  }),
  floor('login', 'gatehouse-redis', 'Redis store', 'redis'),
  redisTopologyScenario({ id: 'login-redis-sentinel', route: 'login', topology: 'sentinel' }),
  redisTopologyScenario({ id: 'login-redis-cluster', route: 'login', topology: 'cluster' }),
  koaFloorScenario,
  frameworklessScenario,
  loginScenario({
    id: 'login-frameworkless',
    title:
      'reference: GET /auth/login with no framework (node:http and Gatehouse’s own pieces), memory store',
    subject: 'frameworkless-login',
    label: 'no framework',
  }),
  bareRelayScenario,
  memoryScenario,
  eventStreamsScenario,
  bundleScenario,
];
