import {
  formatBudget,
  formatSpread,
  judge,
  type Budget,
  type Row,
  type ScenarioReport,
} from '../report/model.ts';
import { METRIC_LABELS, metric, type MetricName } from '../runner/metrics.ts';
import { runPair, type PairResult, type Side } from '../runner/paired.ts';
import { probe, type Answer } from '../runner/probe.ts';
import { spread } from '../runner/stats.ts';
import type { Profile } from '../profile.ts';
import type { ServerName } from './servers.ts';
import type { RunContext, Scenario } from './scenario.ts';

/** A scenario that compares Gatehouse (the subject) with a baseline through the shared runner. */
export interface PairedScenario {
  id: string;
  title: string;
  baseline: string;
  servers: ServerName[];
  sides(ctx: RunContext): Promise<{ baseline: Side; subject: Side }>;
  /** What a right answer looks like; a message when this one is wrong. */
  check(role: 'baseline' | 'subject', answer: Answer): string | null;
  throughput: boolean;
  /** null: throughput passes only. */
  latencyRate: 'half-baseline' | ((profile: Profile) => number) | null;
  /** Both sides loaded at once in the throughput passes (runner/paired.ts says when that is the honest way). */
  simultaneous?: boolean;
  /** Passes of each phase, when the profile's are too few for a small difference. */
  passes?(profile: Profile): number;
  figures: Array<{ metric: MetricName; budget?: Budget }>;
  /** A reason when the subject does not offer the feature yet: the scenario is reported as pending. */
  pending?(answer: Answer): string | null;
}

const ms = (us: number): string => (us / 1000).toFixed(2);
const median = (values: number[]): number => spread(values).median;

function details(
  def: PairedScenario,
  sides: { baseline: Side; subject: Side },
  result: PairResult,
): string[] {
  const line = (role: 'baseline' | 'subject'): string => {
    const parts: string[] = [];
    const throughput = result.throughput?.[role];
    if (throughput) {
      parts.push(`${median(throughput.map((s) => s.rps)).toFixed(0)} req/s`);
      parts.push(`${median(throughput.map((s) => s.cpuUsPerRequest)).toFixed(0)} µs CPU/req`);
    }
    const latency = result.latency?.[role];
    if (latency) {
      parts.push(
        `at ${result.latency!.rate} req/s p50 ${ms(median(latency.map((s) => s.p50Us)))} ms, ` +
          `p99 ${ms(median(latency.map((s) => s.p99Us)))} ms`,
      );
    }
    return `  - ${sides[role].label}: ${parts.join(', ')}`;
  };
  return [`- **${def.title}** (medians):`, line('baseline'), line('subject')];
}

export function pairedScenario(def: PairedScenario): Scenario {
  return {
    id: def.id,
    servers: def.servers,
    async run(ctx) {
      const report: ScenarioReport = { id: def.id, rows: [], details: [], errors: [] };
      const row = (figure: string, value: string, budget: string, verdict: Row['verdict']): Row => ({
        scenario: def.title,
        baseline: def.baseline,
        figure,
        value,
        budget,
        verdict,
      });
      const sides = await def.sides(ctx);

      for (const role of ['baseline', 'subject'] as const) {
        const answer = await probe(await sides[role].target({ phase: 'probe', pass: 0, durationS: 0 }));
        const pending = role === 'subject' ? def.pending?.(answer) : null;
        if (pending) {
          report.rows.push(row('—', 'pending', '—', 'pending'));
          report.details.push(`- **${def.title}**: pending — ${pending}`);
          return report;
        }
        const wrong = def.check(role, answer);
        if (wrong) report.errors.push(`${sides[role].label}: ${wrong}`);
      }
      if (report.errors.length > 0) return report;

      const rate =
        def.latencyRate === 'half-baseline' || def.latencyRate === null
          ? def.latencyRate
          : def.latencyRate(ctx.profile);
      const result = await runPair(
        {
          ...sides,
          throughput: def.throughput,
          latencyRate: rate,
          simultaneous: def.simultaneous ?? false,
          ...(def.passes ? { passes: def.passes(ctx.profile) } : {}),
        },
        ctx.profile,
        ctx.cores.clientCore,
        ctx.log,
      );
      report.errors.push(...result.errors);
      for (const { metric: name, budget } of def.figures) {
        const value = metric(result, name);
        if (!value) continue;
        report.rows.push(
          row(METRIC_LABELS[name], formatSpread(value), formatBudget(budget), judge(value.median, budget)),
        );
      }
      report.details.push(...details(def, sides, result));
      return report;
    },
  };
}
