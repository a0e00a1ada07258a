import type { Profile } from '../profile.ts';
import type { ChildHandle } from './child-server.ts';
import { spread } from './stats.ts';
import { runOpenLoop } from './open-loop.ts';
import { runLoad, type LoadTarget } from './wrk.ts';

/**
 * The shared runner: one baseline and one subject, measured in the same run with the same client.
 *
 * 1. a warm-up run of each;
 * 2. `passes` maximum-throughput passes, interleaved (baseline then subject, then subject then baseline, …,
 *    so a drift of the machine hits both alike), each with the server's CPU time per request read over IPC;
 * 3. `passes` fixed-rate passes at about half the baseline's maximum (never above 80 % of the subject's, nor
 *    above what the open-loop client sends on its core), interleaved the same way, for p50/p99 latency measured
 *    from each request's intended send time (`open-loop.ts`). A scenario that judges throughput alone skips
 *    them (`latencyRate: null`).
 *
 * With `simultaneous`, each maximum-throughput pass loads both sides at once instead, two load clients on the
 * client core, both servers on the server core: whatever else the machine runs in those seconds slows both
 * alike, and the scheduler gives each an equal share of the core, so the ratio of their throughputs is the ratio
 * of their costs per request. For a small difference between two builds of the same server (a cost of a few
 * per cent) on a machine others use, back-to-back passes measure mostly the neighbours.
 */

export interface RunInfo {
  phase: 'probe' | 'warmup' | 'throughput' | 'latency';
  pass: number;
  durationS: number;
  rate?: number;
}

export interface Side {
  label: string;
  server: ChildHandle<unknown>;
  /** What to send; asked before every run, so a scenario can prepare fresh state (e.g. transactions). */
  target(run: RunInfo): Promise<LoadTarget> | LoadTarget;
}

export interface PairPlan {
  baseline: Side;
  subject: Side;
  /** Maximum-throughput passes; without them, `latencyRate` must be a number. */
  throughput: boolean;
  /** The fixed rate of the latency passes; null: no latency passes. */
  latencyRate: 'half-baseline' | number | null;
  /** Throughput passes load both sides at the same time (see above). */
  simultaneous?: boolean;
  /** Passes of each phase (default: the profile's). */
  passes?: number;
}

export interface Sample {
  rps: number;
  requests: number;
  cpuUsPerRequest: number;
  p50Us: number;
  p99Us: number;
}

export interface SidePair {
  baseline: Sample[];
  subject: Sample[];
}

export interface PairResult {
  throughput: SidePair | null;
  latency: (SidePair & { rate: number }) | null;
  /** One line per run that saw errors; a run with errors is still recorded. */
  errors: string[];
}

type Role = 'baseline' | 'subject';

export async function runPair(
  plan: PairPlan,
  profile: Profile,
  clientCore: number | null,
  log: (line: string) => void,
): Promise<PairResult> {
  const errors: string[] = [];
  const sides: Record<Role, Side> = { baseline: plan.baseline, subject: plan.subject };

  async function measure(role: Role, run: RunInfo): Promise<Sample> {
    const side = sides[role];
    const target = await side.target(run);
    const before = await side.server.cpuMicros();
    const result =
      run.rate === undefined
        ? await runLoad(target, {
            connections: profile.connections,
            durationS: run.durationS,
            core: clientCore,
          })
        : await runOpenLoop(target, { rate: run.rate, durationS: run.durationS });
    const cpu = (await side.server.cpuMicros()) - before;
    if (result.errors > 0)
      errors.push(`${side.label}, ${run.phase} pass ${run.pass + 1}: ${result.errorDetail}`);
    if (result.requests === 0) throw new Error(`${side.label} answered no request in ${run.phase}`);
    return {
      rps: result.rps,
      requests: result.requests,
      cpuUsPerRequest: cpu / result.requests,
      p50Us: result.latencyUs.p50,
      p99Us: result.latencyUs.p99,
    };
  }

  async function interleaved(
    phase: 'throughput' | 'latency',
    durationS: number,
    rate?: number,
  ): Promise<SidePair> {
    const pair: SidePair = { baseline: [], subject: [] };
    for (let pass = 0; pass < (plan.passes ?? profile.passes); pass++) {
      const run: RunInfo = { phase, pass, durationS, ...(rate === undefined ? {} : { rate }) };
      if (plan.simultaneous && phase === 'throughput') {
        const [b, s] = await Promise.all([measure('baseline', run), measure('subject', run)]);
        pair.baseline.push(b);
        pair.subject.push(s);
      } else {
        const order: Role[] = pass % 2 === 0 ? ['baseline', 'subject'] : ['subject', 'baseline'];
        for (const role of order) pair[role].push(await measure(role, run));
      }
      const [b, s] = [pair.baseline.at(-1)!, pair.subject.at(-1)!];
      log(
        phase === 'throughput'
          ? `  pass ${pass + 1}: ${b.rps.toFixed(0)} vs ${s.rps.toFixed(0)} req/s (${(s.rps / b.rps).toFixed(2)})`
          : `  pass ${pass + 1} at ${rate} req/s: p99 ${(b.p99Us / 1000).toFixed(2)} vs ${(s.p99Us / 1000).toFixed(2)} ms`,
      );
    }
    return pair;
  }

  if (profile.warmupS > 0) {
    for (const role of ['baseline', 'subject'] as const) {
      await measure(role, {
        phase: 'warmup',
        pass: 0,
        durationS: profile.warmupS,
        ...(plan.throughput || typeof plan.latencyRate !== 'number' ? {} : { rate: plan.latencyRate }),
      });
    }
  }

  const throughput = plan.throughput ? await interleaved('throughput', profile.throughputS) : null;
  if (plan.latencyRate === null) return { throughput, latency: null, errors };
  const rate =
    typeof plan.latencyRate === 'number'
      ? plan.latencyRate
      : halfBaselineRate(throughput ?? failNoThroughput(), plan.simultaneous ? 2 : 1);
  const latency = { rate, ...(await interleaved('latency', profile.latencyS, rate)) };
  return { throughput, latency, errors };
}

function failNoThroughput(): never {
  throw new Error('a half-baseline rate needs the throughput passes');
}

/**
 * The most the open-loop client sends on its core without falling behind its own schedule (it would then add
 * its own queue to both sides' latency).
 */
export const MAX_OPEN_LOOP_RATE = 5_000;

/**
 * About half the baseline's maximum, but at most 80 % of the subject's, so neither side is driven into a queue,
 * and at most what the client sends on time. `share`: how many sides shared the core in the throughput passes
 * (each had that fraction of it).
 */
function halfBaselineRate(throughput: SidePair, share: number): number {
  const baseline = share * spread(throughput.baseline.map((s) => s.rps)).median;
  const subject = share * spread(throughput.subject.map((s) => s.rps)).median;
  return Math.max(1, Math.round(Math.min(baseline * 0.5, subject * 0.8, MAX_OPEN_LOOP_RATE)));
}
