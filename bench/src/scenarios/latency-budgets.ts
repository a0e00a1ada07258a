import { SPA_FETCH_HEADERS } from '../fixtures/browser.ts';
import type { LoadTarget } from '../runner/wrk.ts';
import { pairedScenario } from './paired-scenario.ts';
import type { Scenario } from './scenario.ts';
import { notSessionInfo, sessionTarget } from './session.ts';
import { GATEHOUSE_DEPENDENCIES } from './servers.ts';
import { jsonOf, sessionCookies } from './targets.ts';

/**
 * `GET /api/session` on the Redis store against the same route on the memory store, at one fixed rate (open
 * loop): what a network store adds to the tail. Both sides are the real BFF with the same sessions, so the
 * ratio is the store's alone.
 */
export const redisTailScenario: Scenario = pairedScenario({
  id: 'session-redis-tail',
  title: 'GET /api/session, Redis store, at a fixed rate',
  baseline: 'the same, memory store, same rate',
  servers: [...GATEHOUSE_DEPENDENCIES, 'gatehouse-memory', 'gatehouse-redis'],
  async sides({ servers }) {
    const [memory, redis] = await Promise.all([
      servers.get('gatehouse-memory'),
      servers.get('gatehouse-redis'),
    ]);
    return {
      baseline: { label: 'memory store', server: memory, target: () => sessionTarget(memory) },
      subject: { label: 'Redis store', server: redis, target: () => sessionTarget(redis) },
    };
  },
  check: (_role, answer) => notSessionInfo(answer),
  throughput: false,
  latencyRate: (profile) => profile.sessionLatencyRate,
  figures: [
    { metric: 'p99-ratio', budget: { max: 1.5 } },
    { metric: 'p50-ratio' },
    { metric: 'added-p50-ms' },
  ],
});

/**
 * The proxy's own cost: Gatehouse's proxy (memory store) against the bare relay reference (node:http in, undici
 * out, nothing else), the same requests: the session, the token opened, the headers filtered and copied, Koa.
 */
export const proxyOverRelayScenario: Scenario = pairedScenario({
  id: 'proxy-over-relay',
  title: 'GET /api/proxy/notes/… (memory store), over the bare relay',
  baseline: 'reference: a bare relay (node:http in, undici out, nothing else)',
  servers: [...GATEHOUSE_DEPENDENCIES, 'bare-relay', 'gatehouse-memory'],
  async sides({ servers }) {
    const [relay, gatehouse] = await Promise.all([
      servers.get('bare-relay'),
      servers.get('gatehouse-memory'),
    ]);
    const target = (url: string, rotate?: LoadTarget['rotate']): LoadTarget => ({
      url,
      headers: SPA_FETCH_HEADERS,
      path: '/api/proxy/notes/items?limit=10',
      ...(rotate ? { rotate } : {}),
    });
    return {
      baseline: { label: 'bare relay', server: relay, target: () => target(relay.url) },
      subject: {
        label: 'Gatehouse proxy',
        server: gatehouse,
        target: () => target(gatehouse.url, sessionCookies(gatehouse)),
      },
    };
  },
  check: (_role, answer) =>
    answer.status === 200 && jsonOf(answer.body)
      ? null
      : `expected the upstream's 200 JSON, got ${answer.status} ${answer.body.slice(0, 200)}`,
  throughput: true,
  latencyRate: 'half-baseline',
  figures: [
    { metric: 'throughput' },
    { metric: 'cpu' },
    { metric: 'added-p50-ms', budget: { max: 0.3 } },
    { metric: 'p99-ratio' },
  ],
});
