import { Pool } from 'undici';
import type { LoadResult, LoadTarget } from './wrk.ts';

/**
 * The fixed-rate client, open loop: request i is due at start + i / rate whatever happened to the ones before,
 * and its latency runs from that intended send time, not from when a free connection let it go. A closed loop
 * (wrk pacing its connections) sends less while the server stalls, so its p99 leaves out the queue a stall
 * builds (coordinated omission); here every request a stall delays counts the delay.
 *
 * It runs in the bench process (pinned to the client core), on an undici pool with enough keep-alive
 * connections that the pool itself never queues at the rates the bench asks for. Latencies are kept exactly
 * (a Float64Array of one run) and sorted once at the end.
 */
const CONNECTIONS = 128;
const TICK_MS = 1;
const TIMEOUT_MS = 10_000;
const WARM_CONNECTIONS = 32;

function requestAt(target: LoadTarget, index: number): { path: string; headers: Record<string, string> } {
  const { path, rotate } = target;
  const headers = rotate
    ? { ...target.headers, [rotate.header]: rotate.values[index % rotate.values.length]! }
    : target.headers;
  if (typeof path === 'string') return { path, headers };
  const { before, width, after } = path.sequence;
  return { path: `${before}${String(index + 1).padStart(width, '0')}${after}`, headers };
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

export async function runOpenLoop(
  target: LoadTarget,
  options: { rate: number; durationS: number },
): Promise<LoadResult> {
  const pool = new Pool(target.url, {
    connections: CONNECTIONS,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    headersTimeout: TIMEOUT_MS,
    bodyTimeout: TIMEOUT_MS,
  });
  // Connections and the client's own code warmed first, unmeasured: a schedule that starts cold puts the
  // connects and the JIT into the first requests' latency, which at a low rate is the whole p99.
  // A sequence's paths are single-use states (a callback's transactions): warm with a plain `/` then.
  const warm =
    typeof target.path === 'string' ? requestAt(target, 0) : { path: '/', headers: target.headers };
  await Promise.all(
    Array.from({ length: WARM_CONNECTIONS }, () =>
      pool
        .request({ path: warm.path, method: 'GET', headers: warm.headers })
        .then(({ body }) => body.dump())
        .catch(() => undefined),
    ),
  );
  const total = Math.max(1, Math.round(options.rate * options.durationS));
  const intervalMs = 1000 / options.rate;
  const latencies = new Float64Array(total);
  const failures = { status: 0, mismatches: 0, socket: 0 };
  let sent = 0;
  let finished = 0;
  let timer: NodeJS.Timeout | undefined;
  const start = performance.now();

  await new Promise<void>((resolve) => {
    const settle = (index: number, intended: number): void => {
      latencies[index] = performance.now() - intended;
      if (++finished === total) resolve();
    };
    const fire = (index: number): void => {
      const intended = start + index * intervalMs;
      const { path, headers } = requestAt(target, index);
      pool
        .request({ path, method: target.method ?? 'GET', headers, body: target.body ?? null })
        .then(async ({ statusCode, headers: answer, body }) => {
          await body.dump();
          const expect = target.expect;
          if (expect) {
            const location = answer.location;
            if (statusCode !== expect.status) failures.mismatches++;
            else if (expect.locationPrefix && !String(location ?? '').startsWith(expect.locationPrefix))
              failures.mismatches++;
          } else if (statusCode >= 400) failures.status++;
          settle(index, intended);
        })
        .catch(() => {
          failures.socket++;
          settle(index, intended);
        });
    };
    const tick = (): void => {
      const due = Math.min(total, Math.floor((performance.now() - start) / intervalMs) + 1);
      while (sent < due) fire(sent++);
      if (sent < total) timer = setTimeout(tick, TICK_MS);
    };
    tick();
  });
  clearTimeout(timer);
  const seconds = (performance.now() - start) / 1000;
  await pool.close();

  latencies.sort();
  const errors = failures.status + failures.mismatches + failures.socket;
  const us = (ms: number): number => Math.round(ms * 1000);
  return {
    requests: total,
    seconds,
    rps: total / seconds,
    errors,
    errorDetail: Object.entries(failures)
      .filter(([, n]) => n > 0)
      .map(([kind, n]) => `${kind} ${n}`)
      .join(', '),
    latencyUs: {
      p50: us(quantile(latencies, 0.5)),
      p90: us(quantile(latencies, 0.9)),
      p99: us(quantile(latencies, 0.99)),
      max: us(latencies[latencies.length - 1] ?? 0),
      mean: us(latencies.reduce((sum, value) => sum + value, 0) / total),
    },
  };
}
