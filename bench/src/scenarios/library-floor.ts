import { SPA_FETCH_HEADERS } from '../fixtures/browser.ts';
import type { ChildHandle } from '../runner/child-server.ts';
import type { LoadTarget } from '../runner/wrk.ts';
import type { Answer } from '../runner/probe.ts';
import { authorizePrefixOf, loginTarget, notLoginRedirect } from './login.ts';
import { pairedScenario } from './paired-scenario.ts';
import type { Scenario } from './scenario.ts';
import { notSessionInfo, sessionTarget } from './session.ts';
import { GATEHOUSE_DEPENDENCIES, type ServerName } from './servers.ts';
import { jsonOf, sessionCookies } from './targets.ts';
import type { GatehouseInfo } from '../servers/gatehouse.ts';

/**
 * Gatehouse against the named-library floor (`servers/koa-session-floor.ts`): the same route served by Koa,
 * koa-session over a Map and @koa/router doing only the route's own work with Gatehouse's own pieces, the same
 * requests, the same answers, in the same run. The ratio is what Gatehouse's own code costs over the libraries
 * it is built on. Maximum throughput only: latency is judged elsewhere, at a fixed rate.
 */
export type FloorRoute = 'session' | 'login' | 'proxy';

export const FLOOR_BASELINE = 'Koa + koa-session (a Map) + @koa/router, the route’s own work';
export const FLOOR_BUDGET = 0.9;

const PROXY_PATH = '/api/proxy/notes/items?limit=10';

function proxyTarget(server: ChildHandle<Pick<GatehouseInfo, 'cookieName' | 'sessionIds'>>): LoadTarget {
  return { url: server.url, headers: SPA_FETCH_HEADERS, path: PROXY_PATH, rotate: sessionCookies(server) };
}

function notUpstreamJson(answer: Answer): string | null {
  return answer.status === 200 && jsonOf(answer.body)
    ? null
    : `expected the upstream's 200 JSON, got ${answer.status} ${answer.body.slice(0, 200)}`;
}

export function floorScenario(options: {
  id: string;
  title: string;
  route: FloorRoute;
  subject: Extract<ServerName, `gatehouse-${string}`>;
}): Scenario {
  let authorizePrefix = '';
  return pairedScenario({
    id: options.id,
    title: options.title,
    baseline: FLOOR_BASELINE,
    servers: [...GATEHOUSE_DEPENDENCIES, 'koa-session-floor', options.subject],
    async sides({ servers }) {
      const [op, floor, gatehouse] = await Promise.all([
        servers.get('op'),
        servers.get('koa-session-floor'),
        servers.get(options.subject),
      ]);
      authorizePrefix = authorizePrefixOf(op);
      const target =
        options.route === 'session'
          ? sessionTarget
          : options.route === 'proxy'
            ? proxyTarget
            : (server: ChildHandle<unknown>) => loginTarget(server.url, authorizePrefix);
      return {
        baseline: { label: 'library floor', server: floor, target: () => target(floor) },
        subject: { label: 'Gatehouse', server: gatehouse, target: () => target(gatehouse) },
      };
    },
    check: (_role, answer) =>
      options.route === 'session'
        ? notSessionInfo(answer)
        : options.route === 'proxy'
          ? notUpstreamJson(answer)
          : notLoginRedirect(answer, authorizePrefix),
    throughput: true,
    latencyRate: null,
    figures: [{ metric: 'throughput', budget: { min: FLOOR_BUDGET } }, { metric: 'cpu' }],
  });
}
