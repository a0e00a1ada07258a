import { collectDefaultMetrics, Counter, Registry } from 'prom-client';
import { signInRefusalCounter, type SignInRefusals } from '../sign-in/sign-in-refusals.ts';
import { BoundHistogram, type Observe } from './bound-histogram.ts';

/** Outcomes of `/auth/callback`: `success`, or the error code the SPA is sent (`login_failed`, ...). */
export type SignInOutcome = string;
/** `success`; `refused` (the session ends); `unavailable` (transient, retried later). */
export type RefreshOutcome = 'success' | 'refused' | 'unavailable';

/**
 * The BFF's Prometheus metrics, in a registry of their own (no global default registry: two apps in one process,
 * as the tests run them, never share counts). Labels hold bounded values only — route patterns, methods,
 * statuses, provider and API names from configuration — never raw paths, ids or user data.
 */
export interface Metrics {
  readonly registry: Registry;
  httpRequest(route: string, method: string, status: number, seconds: number): void;
  signIn(provider: string, outcome: SignInOutcome): void;
  tokenRefresh(provider: string, outcome: RefreshOutcome): void;
  proxyUpstream(api: string, status: number | 'error' | 'timeout', seconds: number): void;
  /** The recorder of one store operation's durations, bound once: a store call does no label lookup. */
  storeOperation(store: string, operation: string): Observe;
  /** `gatehouse_sign_in_refusals_total{provider, reason}`: users a provider's `allow` rules turned away. */
  readonly signInRefusals: SignInRefusals;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const STORE_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1];
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** What `bind` makes for a key, made on first use and found again by key. */
function memo<K, V>(bind: (key: K) => V): (key: K) => V {
  const bound = new Map<K, V>();
  return (key) => {
    let observe = bound.get(key);
    if (!observe) {
      observe = bind(key);
      bound.set(key, observe);
    }
    return observe;
  };
}

export function createMetrics(options: { processMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const requests = new BoundHistogram<'route' | 'method' | 'status'>(
    'gatehouse_http_request_duration_seconds',
    'Duration of HTTP requests to the BFF, by route pattern, method and status.',
    LATENCY_BUCKETS,
    registry,
  );
  const signIns = new Counter({
    name: 'gatehouse_sign_ins_total',
    help: 'Completed /auth/callback requests, by provider and outcome.',
    labelNames: ['provider', 'outcome'] as const,
    registers,
  });
  const refreshes = new Counter({
    name: 'gatehouse_token_refreshes_total',
    help: 'Token refreshes at the provider, by provider and outcome.',
    labelNames: ['provider', 'outcome'] as const,
    registers,
  });
  const upstream = new BoundHistogram<'api' | 'status'>(
    'gatehouse_proxy_upstream_duration_seconds',
    'Duration of proxied API calls until the response body is relayed, by API and upstream status.',
    LATENCY_BUCKETS,
    registry,
  );
  const store = new BoundHistogram<'store' | 'operation'>(
    'gatehouse_store_operation_duration_seconds',
    'Duration of session store operations, by store and operation.',
    STORE_BUCKETS,
    registry,
  );

  // Route → method → status, each level a Map keyed by a value the request already holds (the router's pattern
  // string, node's method string, the status number): no key is built per request. All three are bounded.
  const byRoute = memo((route: string) =>
    memo((method: string) =>
      memo((status: number) => requests.bind({ route, method, status: String(status) })),
    ),
  );
  const byApi = memo((api: string) =>
    memo((status: number | 'error' | 'timeout') => upstream.bind({ api, status: String(status) })),
  );
  const byStore = memo((kind: string) => memo((operation: string) => store.bind({ store: kind, operation })));

  return {
    registry,
    signInRefusals: signInRefusalCounter(registry),
    httpRequest(route, method, status, seconds) {
      byRoute(route)(KNOWN_METHODS.has(method) ? method : 'OTHER')(status)(seconds);
    },
    signIn: (provider, outcome) => signIns.inc({ provider, outcome }),
    tokenRefresh: (provider, outcome) => refreshes.inc({ provider, outcome }),
    proxyUpstream: (api, status, seconds) => byApi(api)(status)(seconds),
    storeOperation: (kind, operation) => byStore(kind)(operation),
  };
}
