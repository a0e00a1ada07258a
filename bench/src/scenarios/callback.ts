import { NAVIGATION_HEADERS } from '../fixtures/browser.ts';
import { CALLBACK_CODE_VERIFIER, CLIENT_ID, CLIENT_SECRET, SPA_ORIGIN } from '../fixtures/oidc.ts';
import type { ChildHandle } from '../runner/child-server.ts';
import type { RunInfo } from '../runner/paired.ts';
import type { Answer } from '../runner/probe.ts';
import type { LoadTarget } from '../runner/wrk.ts';
import type { FakeOpInfo } from '../servers/fake-op.ts';
import type { GatehouseInfo, SeededTransactions, SeedTransactions } from '../servers/gatehouse.ts';
import { pairedScenario } from './paired-scenario.ts';
import type { Scenario } from './scenario.ts';
import { GATEHOUSE_DEPENDENCIES } from './servers.ts';
import { jsonOf } from './targets.ts';

/**
 * `GET /auth/callback` against the local OP, whose token endpoint answers an ID token signed in advance. Before
 * every run, fresh login transactions are seeded into the store (one per callback, single-use, all bound to one
 * browser and one nonce), so every callback runs the whole flow: take the transaction, check state and `iss`,
 * exchange the code, verify the ID token (signature, iss, aud, exp, nonce), seal the tokens, store a new
 * session, set the cookie, redirect to the SPA. Baseline: the same token request sent directly to a second
 * instance of the OP, on the server core (the BFF's own OP runs on the client core, as a remote provider
 * would); the difference of the two latencies is what the BFF adds.
 */
const STATE_LENGTH = 43;
const CODE = 'bench-authorization-code';

export const callbackScenario: Scenario = pairedScenario({
  id: 'callback',
  title: 'GET /auth/callback (memory store), pre-signed ID token',
  baseline: "the local OP's token endpoint alone",
  servers: [...GATEHOUSE_DEPENDENCIES, 'op-alone', 'gatehouse-memory'],
  async sides({ servers }) {
    const [op, alone, gatehouse] = await Promise.all([
      servers.get('op'),
      servers.get('op-alone'),
      servers.get('gatehouse-memory'),
    ]);
    const redirectUri = `${gatehouse.url}/auth/callback`;
    const tokenRequest: LoadTarget = {
      url: alone.info.issuer,
      method: 'POST',
      path: '/token',
      headers: {
        Accept: 'application/json',
        'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8',
        Authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`,
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: CODE,
        redirect_uri: redirectUri,
        code_verifier: CALLBACK_CODE_VERIFIER,
      }).toString(),
      expect: { status: 200 },
    };
    return {
      baseline: { label: 'token endpoint', server: alone, target: () => tokenRequest },
      subject: { label: 'Gatehouse callback', server: gatehouse, target: callbackTargets(gatehouse, op) },
    };
  },
  check(role, answer) {
    if (role === 'baseline') {
      return answer.status === 200 && typeof jsonOf(answer.body)?.id_token === 'string'
        ? null
        : `expected a token response, got ${answer.status} ${answer.body.slice(0, 200)}`;
    }
    return notSignedIn(answer);
  },
  throughput: false,
  latencyRate: (profile) => profile.callbackRate,
  figures: [
    { metric: 'added-p50-ms', budget: { max: 2 } },
    { metric: 'added-p99-ms', budget: { max: 5 } },
  ],
});

/**
 * Callbacks to `gatehouse`, each completing a login: before every run, fresh transactions are seeded (enough
 * for the run at its rate), so no callback finds its state used.
 */
export function callbackTargets(
  gatehouse: ChildHandle<GatehouseInfo>,
  op: ChildHandle<FakeOpInfo>,
): (run: RunInfo) => Promise<LoadTarget> {
  let runs = 0;
  return async (run) => {
    const prefix = `run${++runs}-`;
    const width = STATE_LENGTH - prefix.length;
    const expected = (run.rate ?? 0) * run.durationS;
    const seed: SeedTransactions = { prefix, width, count: Math.ceil(expected * 1.5) + 50 };
    const { bindingCookie } = await gatehouse.call<SeededTransactions>('seedTransactions', seed);
    return {
      url: gatehouse.url,
      headers: { ...NAVIGATION_HEADERS, Cookie: bindingCookie },
      path: {
        sequence: {
          before: `/auth/callback?code=${CODE}&state=${prefix}`,
          width,
          after: `&iss=${encodeURIComponent(op.info.issuer)}`,
        },
      },
      expect: { status: 302, locationPrefix: `${SPA_ORIGIN}/dashboard` },
    };
  };
}

/** Why an answer is not a callback's 302 to the SPA (a session created), or null when it is. */
export function notSignedIn(answer: Answer): string | null {
  return answer.status === 302 && answer.location === `${SPA_ORIGIN}/dashboard`
    ? null
    : `expected a 302 to ${SPA_ORIGIN}/dashboard, got ${answer.status} ${answer.location ?? answer.body.slice(0, 200)}`;
}
