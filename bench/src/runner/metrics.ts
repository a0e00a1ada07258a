import type { PairResult, Sample } from './paired.ts';
import { spread, type Spread } from './stats.ts';

/**
 * Figures of a pair, each computed per pass from the two adjacent runs and then summarised over the passes.
 * Every one is relative to the baseline of the same run: ratios, or a difference for the added latency.
 */
export type MetricName = 'throughput' | 'cpu' | 'p50-ratio' | 'p99-ratio' | 'added-p50-ms' | 'added-p99-ms';

export const METRIC_LABELS: Record<MetricName, string> = {
  throughput: 'throughput ratio',
  cpu: 'CPU efficiency (baseline µs/req ÷ ours)',
  'p50-ratio': 'p50 ratio at fixed rate',
  'p99-ratio': 'p99 ratio at fixed rate',
  'added-p50-ms': 'added p50 latency (ms)',
  'added-p99-ms': 'added p99 latency (ms)',
};

const perPass = (
  pair: { baseline: Sample[]; subject: Sample[] },
  f: (baseline: Sample, subject: Sample) => number,
): number[] => pair.baseline.map((b, i) => f(b, pair.subject[i]!));

export function metric(result: PairResult, name: MetricName): Spread | null {
  const { throughput, latency } = result;
  switch (name) {
    case 'throughput':
      return throughput && spread(perPass(throughput, (b, s) => s.rps / b.rps));
    case 'cpu':
      return throughput && spread(perPass(throughput, (b, s) => b.cpuUsPerRequest / s.cpuUsPerRequest));
    case 'p50-ratio':
      return latency && spread(perPass(latency, (b, s) => s.p50Us / b.p50Us));
    case 'p99-ratio':
      return latency && spread(perPass(latency, (b, s) => s.p99Us / b.p99Us));
    case 'added-p50-ms':
      return latency && spread(perPass(latency, (b, s) => (s.p50Us - b.p50Us) / 1000));
    case 'added-p99-ms':
      return latency && spread(perPass(latency, (b, s) => (s.p99Us - b.p99Us) / 1000));
  }
}
