import { SPA_FETCH_HEADERS } from '../fixtures/browser.ts';
import type { Budget } from '../report/model.ts';
import type { ChildHandle } from '../runner/child-server.ts';
import type { MetricName } from '../runner/metrics.ts';
import type { GatehouseInfo } from '../servers/gatehouse.ts';
import type { LoadTarget } from '../runner/wrk.ts';
import { pairedScenario } from './paired-scenario.ts';
import type { Scenario } from './scenario.ts';
import { GATEHOUSE_DEPENDENCIES, type ServerName } from './servers.ts';
import { jsonOf, sessionCookies } from './targets.ts';

/**
 * `GET /api/session` as the SPA calls it (cookie, `X-CSRF`, `Origin`), cycling through every seeded session,
 * against a baseline: raw `node:http` answering the same JSON to the same requests, or express-openid-connect's
 * authenticated route with its own session cookie.
 */
export interface SessionScenarioOptions {
  id: string;
  title: string;
  subject: Extract<ServerName, `gatehouse-${string}`>;
  baseline: 'raw' | 'eoc';
  budgets: Partial<Record<MetricName, Budget>>;
}

const BASELINE_LABELS = {
  raw: 'raw node:http, same JSON',
  eoc: 'express-openid-connect, same profile',
} as const;

export function sessionScenario(options: SessionScenarioOptions): Scenario {
  const figures: MetricName[] = ['throughput', 'cpu', 'p99-ratio', 'added-p50-ms'];
  return pairedScenario({
    id: options.id,
    title: options.title,
    baseline: BASELINE_LABELS[options.baseline],
    servers: [...GATEHOUSE_DEPENDENCIES, 'raw', options.subject, options.baseline],
    async sides({ servers }) {
      const gatehouse = await servers.get(options.subject);
      const subject = sessionTarget(gatehouse);
      if (options.baseline === 'raw') {
        const raw = await servers.get('raw');
        return {
          baseline: { label: 'raw node:http', server: raw, target: () => ({ ...subject, url: raw.url }) },
          subject: { label: 'Gatehouse', server: gatehouse, target: () => subject },
        };
      }
      const eoc = await servers.get('eoc');
      const baseline: LoadTarget = {
        url: eoc.url,
        headers: { ...SPA_FETCH_HEADERS, Cookie: eoc.info.cookie },
        path: '/api/session',
      };
      return {
        baseline: { label: 'express-openid-connect', server: eoc, target: () => baseline },
        subject: { label: 'Gatehouse', server: gatehouse, target: () => subject },
      };
    },
    check: (_role, answer) => notSessionInfo(answer),
    throughput: true,
    latencyRate: 'half-baseline',
    figures: figures.map((metric) => ({ metric, budget: options.budgets[metric] })),
  });
}

/** `GET /api/session` as the SPA sends it, cycling through every session seeded into `gatehouse`. */
export function sessionTarget(gatehouse: ChildHandle<GatehouseInfo>): LoadTarget {
  return {
    url: gatehouse.url,
    headers: SPA_FETCH_HEADERS,
    path: '/api/session',
    rotate: sessionCookies(gatehouse),
  };
}

/** Why an answer is not `GET /api/session`'s 200 with a SessionInfo, or null when it is. */
export function notSessionInfo(answer: { status: number; body: string }): string | null {
  const body = jsonOf(answer.body);
  const user = body?.user as { sub?: unknown } | undefined;
  if (answer.status !== 200 || typeof user?.sub !== 'string' || typeof body?.expiresAt !== 'string') {
    return `expected 200 with a SessionInfo, got ${answer.status} ${answer.body.slice(0, 200)}`;
  }
  return null;
}
