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
  baseline: 'raw' | 'eoc' | 'better-auth' | 'better-auth-cookie-cache';
  budgets: Partial<Record<MetricName, Budget>>;
}

const BASELINE_LABELS = {
  raw: 'raw node:http, same JSON',
  eoc: 'express-openid-connect, same profile',
  'better-auth': 'Better Auth get-session, its SQLite database (defaults)',
  'better-auth-cookie-cache': 'Better Auth get-session, cookie cache on',
} as const;

/** A peer's own session route, with the session cookie it gave at sign-in. */
const PEER_PATHS = { eoc: '/api/session', 'better-auth': '/api/auth/get-session' } as const;

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
      const peer = await servers.get(options.baseline);
      const baseline: LoadTarget = {
        url: peer.url,
        headers: { ...SPA_FETCH_HEADERS, Cookie: peer.info.cookie },
        path: PEER_PATHS[options.baseline === 'eoc' ? 'eoc' : 'better-auth'],
      };
      return {
        baseline: { label: peer.name, server: peer, target: () => baseline },
        subject: { label: 'Gatehouse', server: gatehouse, target: () => subject },
      };
    },
    check: (role, answer) =>
      role === 'baseline' && options.baseline.startsWith('better-auth')
        ? notBetterAuthSession(answer)
        : notSessionInfo(answer),
    throughput: true,
    latencyRate: 'half-baseline',
    figures: figures.map((metric) => ({ metric, budget: options.budgets[metric] })),
  });
}

/** `GET /api/session` as the SPA sends it, cycling through every session seeded into `gatehouse`. */
export function sessionTarget(
  gatehouse: ChildHandle<Pick<GatehouseInfo, 'cookieName' | 'sessionIds'>>,
): LoadTarget {
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

/** Why an answer is not Better Auth's `get-session` 200 with a session and its user, or null when it is. */
function notBetterAuthSession(answer: { status: number; body: string }): string | null {
  const body = jsonOf(answer.body);
  const user = body?.user as { id?: unknown } | undefined;
  return answer.status === 200 && typeof user?.id === 'string' && typeof body?.session === 'object'
    ? null
    : `expected 200 with a session, got ${answer.status} ${answer.body.slice(0, 200)}`;
}
