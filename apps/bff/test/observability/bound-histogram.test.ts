import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { BoundHistogram } from '../../src/observability/bound-histogram.ts';

/**
 * The request path's histogram must read out exactly as prom-client's own: same text, same JSON, for the same
 * observations — values on a bound, between bounds, above the last one — and the same after a reset.
 */
const BUCKETS = [0.001, 0.01, 0.1, 1];
const OBSERVED: Array<[string, string, number]> = [
  ['/api/session', '200', 0.0004],
  ['/api/session', '200', 0.001],
  ['/api/session', '200', 0.05],
  ['/api/session', '401', 2.5],
  ['/api/sessions/:id', '404', 0.01],
  ['/api/session', '200', 0.7],
];

function both() {
  const ours = new Registry();
  const theirs = new Registry();
  const name = 'test_duration_seconds';
  const help = 'A test histogram.';
  const bound = new BoundHistogram<'route' | 'status'>(name, help, BUCKETS, ours);
  const reference = new Histogram({
    name,
    help,
    labelNames: ['route', 'status'],
    buckets: BUCKETS,
    registers: [theirs],
  });
  const recorders = new Map<string, (value: number) => void>();
  for (const [route, status, value] of OBSERVED) {
    const key = `${route} ${status}`;
    if (!recorders.has(key)) recorders.set(key, bound.bind({ route, status }));
    recorders.get(key)!(value);
    reference.labels(route, status).observe(value);
  }
  return { ours, theirs };
}

describe('BoundHistogram', () => {
  it('reads out as prom-client histogram does, in text and in JSON', async () => {
    const { ours, theirs } = both();
    const text = await ours.metrics();
    expect(text).toBe(await theirs.metrics());
    expect(text).toContain('test_duration_seconds_bucket{le="0.001",route="/api/session",status="200"} 2');
    expect(text).toContain('test_duration_seconds_bucket{le="+Inf",route="/api/session",status="200"} 4');
    expect(text).toContain('test_duration_seconds_count{route="/api/session",status="401"} 1');
    // Exemplars aside (prom-client's are off here: null or undefined), the JSON is the same.
    const withoutExemplars = (metrics: Awaited<ReturnType<Registry['getMetricsAsJSON']>>) =>
      metrics.map((m) => ({
        ...m,
        values: m.values.map((value) => {
          const { exemplar: _, ...rest } = value as typeof value & { exemplar?: unknown };
          return rest;
        }),
      }));
    expect(await ours.getMetricsAsJSON()).toEqual(withoutExemplars(await theirs.getMetricsAsJSON()));
  });

  it('resets to zero with the registry', async () => {
    const { ours, theirs } = both();
    ours.resetMetrics();
    expect(await ours.metrics()).toContain(
      'test_duration_seconds_count{route="/api/session",status="200"} 0',
    );
    expect(await theirs.metrics()).not.toBe(await ours.metrics());
  });
});
