import { SPA_FETCH_HEADERS } from '../fixtures/browser.ts';
import { directAccessToken } from '../fixtures/tokens.ts';
import type { LoadTarget } from '../runner/wrk.ts';
import { pairedScenario } from './paired-scenario.ts';
import type { Scenario } from './scenario.ts';
import { jsonOf } from './targets.ts';

/**
 * No budget, a reference: the proxy scenario's requests sent to a relay that does nothing but relay (node:http
 * in, undici out, a bearer token added), against the same baseline, the client calling the upstream directly.
 * It tells what the second HTTP exchange alone costs, before any session, token or framework work.
 */
export const bareRelayScenario: Scenario = pairedScenario({
  id: 'relay-bare',
  title: 'reference: a bare relay (node:http in, undici out, nothing else)',
  baseline: 'the client calling the upstream directly',
  servers: ['op', 'raw', 'upstream', 'bare-relay'],
  async sides({ servers }) {
    const [raw, relay] = await Promise.all([servers.get('raw'), servers.get('bare-relay')]);
    const direct: LoadTarget = {
      url: raw.url,
      headers: { ...SPA_FETCH_HEADERS, Authorization: `Bearer ${directAccessToken()}` },
      path: '/notes/items?limit=10',
    };
    const relayed: LoadTarget = {
      url: relay.url,
      headers: SPA_FETCH_HEADERS,
      path: '/api/proxy/notes/items?limit=10',
    };
    return {
      baseline: { label: 'upstream directly', server: raw, target: () => direct },
      subject: { label: 'bare relay', server: relay, target: () => relayed },
    };
  },
  check: (_role, answer) =>
    answer.status === 200 && jsonOf(answer.body)
      ? null
      : `expected the upstream's 200 JSON, got ${answer.status}`,
  throughput: true,
  latencyRate: 'half-baseline',
  figures: [{ metric: 'throughput' }, { metric: 'cpu' }, { metric: 'added-p50-ms' }],
});
