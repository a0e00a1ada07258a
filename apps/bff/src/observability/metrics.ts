import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { signInRefusalCounter, type SignInRefusals } from '../sign-in/sign-in-refusals.ts';

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
  storeOperation(store: string, operation: string, seconds: number): void;
  /** `gatehouse_sign_in_refusals_total{provider, reason}`: users a provider's `allow` rules turned away. */
  readonly signInRefusals: SignInRefusals;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const STORE_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1];
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export function createMetrics(options: { processMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const requests = new Histogram({
    name: 'gatehouse_http_request_duration_seconds',
    help: 'Duration of HTTP requests to the BFF, by route pattern, method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
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
  const upstream = new Histogram({
    name: 'gatehouse_proxy_upstream_duration_seconds',
    help: 'Duration of proxied API calls until the response body is relayed, by API and upstream status.',
    labelNames: ['api', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const store = new Histogram({
    name: 'gatehouse_store_operation_duration_seconds',
    help: 'Duration of session store operations, by store and operation.',
    labelNames: ['store', 'operation'] as const,
    buckets: STORE_BUCKETS,
    registers,
  });

  // prom-client hashes a label object on every observe; on the hot path a child per label set, found by one
  // string key, costs a Map lookup instead. The label sets are bounded (routes × methods × statuses).
  const requestChildren = new Map<string, Histogram.Internal<'route' | 'method' | 'status'>>();
  const storeChildren = new Map<string, Histogram.Internal<'store' | 'operation'>>();

  return {
    registry,
    signInRefusals: signInRefusalCounter(registry),
    httpRequest(route, method, status, seconds) {
      const key = `${route} ${method} ${status}`;
      let child = requestChildren.get(key);
      if (!child) {
        child = requests.labels(route, KNOWN_METHODS.has(method) ? method : 'OTHER', String(status));
        requestChildren.set(key, child);
      }
      child.observe(seconds);
    },
    signIn: (provider, outcome) => signIns.inc({ provider, outcome }),
    tokenRefresh: (provider, outcome) => refreshes.inc({ provider, outcome }),
    proxyUpstream: (api, status, seconds) => upstream.observe({ api, status: String(status) }, seconds),
    storeOperation(kind, operation, seconds) {
      const key = `${kind} ${operation}`;
      let child = storeChildren.get(key);
      if (!child) {
        child = store.labels(kind, operation);
        storeChildren.set(key, child);
      }
      child.observe(seconds);
    },
  };
}
