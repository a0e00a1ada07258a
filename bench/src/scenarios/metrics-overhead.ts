import { SPA_FETCH_HEADERS } from '../fixtures/browser.ts';
import type { LoadTarget } from '../runner/wrk.ts';
import { pairedScenario } from './paired-scenario.ts';
import type { Scenario } from './scenario.ts';
import { GATEHOUSE_DEPENDENCIES } from './servers.ts';
import { notSessionInfo } from './session.ts';
import { sessionCookies } from './targets.ts';

/**
 * The cost of Prometheus metrics: `GET /api/session` on the memory store (where the BFF's own work is the
 * largest share, so the relative cost is the worst case) with metrics on — every request timed by route, every
 * store call timed — against the same server with them off (`METRICS_PORT=0`). Both are loaded at once in each
 * throughput pass, sharing the server core, so the ratio is that of their costs whatever else the machine runs.
 */
export const metricsOverheadScenario: Scenario = pairedScenario({
  id: 'metrics-overhead',
  title: 'GET /api/session, memory store, metrics on',
  baseline: 'the same, metrics off',
  servers: [...GATEHOUSE_DEPENDENCIES, 'gatehouse-memory', 'gatehouse-memory-metrics'],
  async sides({ servers }) {
    const [off, on] = await Promise.all([
      servers.get('gatehouse-memory'),
      servers.get('gatehouse-memory-metrics'),
    ]);
    const target = (server: typeof on): LoadTarget => ({
      url: server.url,
      headers: SPA_FETCH_HEADERS,
      path: '/api/session',
      rotate: sessionCookies(server),
    });
    return {
      baseline: { label: 'metrics off', server: off, target: () => target(off) },
      subject: { label: 'metrics on', server: on, target: () => target(on) },
    };
  },
  check: (_role, answer) => notSessionInfo(answer),
  throughput: true,
  // A cost of a few per cent, on a machine other work shares: back-to-back passes would measure the neighbours.
  simultaneous: true,
  // Nine passes rather than five in the full run: a burst of the neighbours' work moves one pass, not the median.
  passes: (profile) => profile.passes * 2 - 1,
  latencyRate: 'half-baseline',
  figures: [{ metric: 'throughput', budget: { min: 0.95 } }, { metric: 'cpu' }, { metric: 'p99-ratio' }],
});
