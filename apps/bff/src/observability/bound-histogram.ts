import type { Metric, Registry } from 'prom-client';

/** Records one observation (seconds) under the label set it was bound to. */
export type Observe = (value: number) => void;

/** One line of the text format, as prom-client's registry reads it: `sharedLabels` follow `labels`. */
interface Sample {
  metricName: string;
  labels: Record<string, string | number>;
  sharedLabels: Record<string, string>;
  value: number;
}

interface Cell<L extends string> {
  labels: Record<L, string>;
  /** Observations per bucket, not cumulative; the last one is `+Inf`. */
  counts: Float64Array;
  sum: number;
  count: number;
}

/**
 * A Prometheus histogram for the request path. prom-client's `observe`, even on a child from `labels()`, checks
 * the label names, builds a string key from the label object, and finds the bucket through a property named by
 * the bound (a number turned into a string), on every call — most of what metrics cost a request in the bench
 * (`metrics-overhead`). Here a label set is bound once (`bind`), and an observation is a bucket search and three
 * additions.
 *
 * It lives in prom-client's registry beside the other metrics and reads out exactly as a prom-client histogram
 * does (`_bucket` with `le`, cumulative; `_sum`; `_count`): the registry needs from a metric only `name`, `help`,
 * `type`, `aggregator`, `get()` and `reset()`.
 */
export class BoundHistogram<L extends string> {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly cells: Array<Cell<L>> = [];

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly buckets: readonly number[],
    registry: Registry,
  ) {
    registry.registerMetric(this as unknown as Metric);
  }

  /** The recorder of one label set. Bind each set once and keep the recorder: every bind adds a series. */
  bind(labels: Record<L, string>): Observe {
    const cell: Cell<L> = { labels, counts: new Float64Array(this.buckets.length + 1), sum: 0, count: 0 };
    this.cells.push(cell);
    const bounds = this.buckets;
    const last = bounds.length;
    return (value) => {
      let bucket = 0;
      while (bucket < last && value > bounds[bucket]!) bucket++;
      cell.counts[bucket]! += 1;
      cell.sum += value;
      cell.count += 1;
    };
  }

  /** What the registry writes out (`Registry.metrics()`): the label set as `sharedLabels`, after `le`. */
  async getForPromString() {
    const values: Sample[] = [];
    const bucketName = `${this.name}_bucket`;
    for (const { labels, counts, sum, count } of this.cells) {
      let cumulative = 0;
      this.buckets.forEach((bound, i) => {
        cumulative += counts[i]!;
        values.push({
          metricName: bucketName,
          labels: { le: bound },
          sharedLabels: labels,
          value: cumulative,
        });
      });
      values.push({ metricName: bucketName, labels: { le: '+Inf' }, sharedLabels: labels, value: count });
      values.push({ metricName: `${this.name}_sum`, labels: {}, sharedLabels: labels, value: sum });
      values.push({ metricName: `${this.name}_count`, labels: {}, sharedLabels: labels, value: count });
    }
    const { name, help, type, aggregator } = this;
    return { name, help, type, aggregator, values };
  }

  /** The same as JSON (`Registry.getMetricsAsJSON()`): each sample's labels in one object. */
  async get() {
    const metric = await this.getForPromString();
    const values = metric.values.map(({ sharedLabels, labels, ...rest }) => ({
      ...rest,
      labels: { ...labels, ...sharedLabels },
    }));
    return { ...metric, values };
  }

  reset(): void {
    for (const cell of this.cells) {
      cell.counts.fill(0);
      cell.sum = 0;
      cell.count = 0;
    }
  }
}
