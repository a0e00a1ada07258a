import { SPA_FETCH_HEADERS } from '../fixtures/browser.ts';
import type { LoadTarget } from '../runner/wrk.ts';
import { pairedScenario } from './paired-scenario.ts';
import type { Scenario } from './scenario.ts';
import { notSessionInfo } from './session.ts';
import { sessionCookies } from './targets.ts';

/**
 * No budget, a reference: `GET /api/session` (memory store, the same requests and the same answer) with no
 * framework at all, only node:http and Gatehouse's own framework-free pieces. It tells what the route's own work
 * costs — the CSRF rule, the SHA-256 store key, the lookup, the headers and the JSON — whatever serves it; the
 * budgets of the session scenarios are against raw node:http, which does none of it.
 */
export const frameworklessScenario: Scenario = pairedScenario({
  id: 'session-frameworkless',
  title: 'reference: GET /api/session with no framework (node:http and Gatehouse’s own pieces), memory store',
  baseline: 'raw node:http, same JSON',
  servers: ['op', 'raw', 'frameworkless'],
  async sides({ servers }) {
    const [raw, frameworkless] = await Promise.all([servers.get('raw'), servers.get('frameworkless')]);
    const target: LoadTarget = {
      url: frameworkless.url,
      headers: SPA_FETCH_HEADERS,
      path: '/api/session',
      rotate: sessionCookies(frameworkless),
    };
    return {
      baseline: { label: 'raw node:http', server: raw, target: () => ({ ...target, url: raw.url }) },
      subject: { label: 'no framework', server: frameworkless, target: () => target },
    };
  },
  check: (_role, answer) => notSessionInfo(answer),
  throughput: true,
  latencyRate: 'half-baseline',
  figures: [{ metric: 'throughput' }, { metric: 'cpu' }],
});
