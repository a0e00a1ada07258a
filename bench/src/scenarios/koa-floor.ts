import { SPA_FETCH_HEADERS } from '../fixtures/browser.ts';
import type { LoadTarget } from '../runner/wrk.ts';
import { pairedScenario } from './paired-scenario.ts';
import type { Scenario } from './scenario.ts';
import { jsonOf } from './targets.ts';

/**
 * No budget, a reference: the same requests as `GET /api/session` sent to a one-middleware Koa app. It tells how
 * much of the gap between Gatehouse and raw node:http is the framework's alone.
 */
export const koaFloorScenario: Scenario = pairedScenario({
  id: 'koa-floor',
  title: 'reference: a one-middleware Koa app, same JSON',
  baseline: 'raw node:http, same JSON',
  servers: ['op', 'raw', 'koa'],
  async sides({ servers }) {
    const [raw, koa] = await Promise.all([servers.get('raw'), servers.get('koa')]);
    const target = (url: string): LoadTarget => ({
      url,
      headers: {
        ...SPA_FETCH_HEADERS,
        Cookie: '__Host-gatehouse=3q2-7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      },
      path: '/api/session',
    });
    return {
      baseline: { label: 'raw node:http', server: raw, target: () => target(raw.url) },
      subject: { label: 'minimal Koa', server: koa, target: () => target(koa.url) },
    };
  },
  check: (_role, answer) =>
    answer.status === 200 && jsonOf(answer.body) ? null : `expected 200 JSON, got ${answer.status}`,
  throughput: true,
  latencyRate: 'half-baseline',
  figures: [{ metric: 'throughput' }, { metric: 'cpu' }],
});
