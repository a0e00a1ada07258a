import { NAVIGATION_HEADERS } from '../fixtures/browser.ts';
import { PROVIDER_NAME } from '../fixtures/oidc.ts';
import type { LoadTarget } from '../runner/wrk.ts';
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
      authorizePrefix = `${op.info.issuer}/authorize?`;
      const target = (url: string): LoadTarget => ({
        url,
        headers: NAVIGATION_HEADERS,
        path: `/auth/login?provider=${PROVIDER_NAME}&returnTo=%2Fdashboard`,
        expect: { status: 302, locationPrefix: authorizePrefix },
      });
      return {
        baseline: { label: 'raw node:http', server: raw, target: () => target(raw.url) },
        subject: { label: options.label ?? 'Gatehouse', server: subject, target: () => target(subject.url) },
      };
    },
    check(_role, answer) {
      return answer.status === 302 && answer.location?.startsWith(authorizePrefix)
        ? null
        : `expected a 302 to ${authorizePrefix}…, got ${answer.status} ${answer.location ?? answer.body.slice(0, 200)}`;
    },
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
