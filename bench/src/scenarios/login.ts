import { NAVIGATION_HEADERS } from '../fixtures/browser.ts';
import { PROVIDER_NAME } from '../fixtures/oidc.ts';
import type { ChildHandle } from '../runner/child-server.ts';
import type { Answer } from '../runner/probe.ts';
import type { LoadTarget } from '../runner/wrk.ts';
import type { FakeOpInfo } from '../servers/fake-op.ts';
import { pairedScenario } from './paired-scenario.ts';
import type { Scenario } from './scenario.ts';
import { GATEHOUSE_DEPENDENCIES, type ServerName } from './servers.ts';

/**
 * `GET /auth/login` as a browser without a login cookie sends it: every request stores a new transaction
 * (state, nonce, PKCE verifier), sets the browser-binding cookie and answers a 302 to the provider. Baseline:
 * raw `node:http` answering a 302 to an authorization URL of the same length.
 */
export function loginScenario(options: {
  id: string;
  title: string;
  subject: Extract<ServerName, `gatehouse-${string}` | 'frameworkless-login'>;
  /** None for a reference. */
  budget?: number;
  /** How the subject is named in the run's log and details. */
  label?: string;
}): Scenario {
  let authorizePrefix = '';
  return pairedScenario({
    id: options.id,
    title: options.title,
    baseline: 'raw node:http answering a 302',
    servers: [...GATEHOUSE_DEPENDENCIES, 'raw', options.subject],
    async sides({ servers }) {
      const [op, raw, subject] = await Promise.all([
        servers.get('op'),
        servers.get('raw'),
        servers.get(options.subject),
      ]);
      authorizePrefix = authorizePrefixOf(op);
      const target = (url: string): LoadTarget => loginTarget(url, authorizePrefix);
      return {
        baseline: { label: 'raw node:http', server: raw, target: () => target(raw.url) },
        subject: { label: options.label ?? 'Gatehouse', server: subject, target: () => target(subject.url) },
      };
    },
    check: (_role, answer) => notLoginRedirect(answer, authorizePrefix),
    throughput: true,
    latencyRate: 'half-baseline',
    figures: [
      { metric: 'throughput', budget: options.budget === undefined ? undefined : { min: options.budget } },
      { metric: 'cpu' },
      { metric: 'p99-ratio' },
      { metric: 'added-p50-ms' },
    ],
  });
}

/** Where every `/auth/login` redirect must point: the local OP's authorization endpoint. */
export const authorizePrefixOf = (op: ChildHandle<FakeOpInfo>): string => `${op.info.issuer}/authorize?`;

/** `GET /auth/login` as a browser without a login cookie sends it, to the server at `url`. */
export function loginTarget(url: string, authorizePrefix: string): LoadTarget {
  return {
    url,
    headers: NAVIGATION_HEADERS,
    path: `/auth/login?provider=${PROVIDER_NAME}&returnTo=%2Fdashboard`,
    expect: { status: 302, locationPrefix: authorizePrefix },
  };
}

/** Why an answer is not a login's 302 to the provider, or null when it is. */
export function notLoginRedirect(answer: Answer, authorizePrefix: string): string | null {
  return answer.status === 302 && answer.location?.startsWith(authorizePrefix)
    ? null
    : `expected a 302 to ${authorizePrefix}…, got ${answer.status} ${answer.location ?? answer.body.slice(0, 200)}`;
}
