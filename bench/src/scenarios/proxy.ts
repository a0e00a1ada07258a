import { SPA_FETCH_HEADERS } from '../fixtures/browser.ts';
import { directAccessToken } from '../fixtures/tokens.ts';
import type { LoadTarget } from '../runner/wrk.ts';
import { pairedScenario } from './paired-scenario.ts';
import type { Scenario } from './scenario.ts';
import { GATEHOUSE_DEPENDENCIES } from './servers.ts';
import { jsonOf, sessionCookies } from './targets.ts';

/**
 * `GET /api/proxy/notes/items?limit=10` (memory store): the BFF opens the session's sealed tokens and relays the
 * request to the upstream API with `Authorization: Bearer <access token>`. Baseline: the client calling the same
 * upstream directly with a bearer token of the same size. Pending while apps/bff has no `/api/proxy`.
 */
const accessToken = directAccessToken();

export const proxyScenario: Scenario = pairedScenario({
  id: 'proxy',
  title: 'GET /api/proxy/notes/… (memory store), token relay',
  baseline: 'the client calling the upstream directly',
  servers: [...GATEHOUSE_DEPENDENCIES, 'raw', 'gatehouse-memory'],
  async sides({ servers }) {
    const [raw, gatehouse] = await Promise.all([servers.get('raw'), servers.get('gatehouse-memory')]);
    const direct: LoadTarget = {
      url: raw.url,
      headers: { ...SPA_FETCH_HEADERS, Authorization: `Bearer ${accessToken}` },
      path: '/notes/items?limit=10',
    };
    const relayed: LoadTarget = {
      url: gatehouse.url,
      headers: SPA_FETCH_HEADERS,
      path: '/api/proxy/notes/items?limit=10',
      rotate: sessionCookies(gatehouse),
    };
    return {
      baseline: { label: 'upstream directly', server: raw, target: () => direct },
      subject: { label: 'Gatehouse proxy', server: gatehouse, target: () => relayed },
    };
  },
  pending: (answer) =>
    answer.status === 404 && jsonOf(answer.body)?.error === 'not_found'
      ? 'apps/bff answers 404 for /api/proxy: the proxy is not there yet'
      : null,
  check(_role, answer) {
    return answer.status === 200 && jsonOf(answer.body)
      ? null
      : `expected the upstream's 200 JSON, got ${answer.status} ${answer.body.slice(0, 200)}`;
  },
  throughput: true,
  latencyRate: 'half-baseline',
  figures: [
    { metric: 'throughput', budget: { min: 0.45 } },
    { metric: 'cpu' },
    { metric: 'p99-ratio' },
    { metric: 'added-p50-ms', budget: { max: 0.5 } },
  ],
});
