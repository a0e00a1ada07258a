/** How long and how hard: `full` for `pnpm bench`, `smoke` for CI (it proves every scenario works, no more). */
export interface Profile {
  name: 'full' | 'quick' | 'smoke';
  /** Interleaved passes of baseline and subject. */
  passes: number;
  /** Seconds of one maximum-throughput run (wrk counts whole seconds). */
  throughputS: number;
  /** Seconds of one fixed-rate run. */
  latencyS: number;
  /** Seconds of load each server gets before the measured passes (JIT, caches, connection pools). */
  warmupS: number;
  /** Keep-alive connections of a maximum-throughput run, one request in flight on each. */
  connections: number;
  /** Sessions seeded into each Gatehouse store; the load cycles through all of them. */
  sessions: number;
  /** Callbacks per second in the callback scenario. */
  callbackRate: number;
  /** `GET /api/session` per second where two stores' tails are compared at one fixed rate. */
  sessionLatencyRate: number;
  /** Sessions stored for the memory-per-session measurement. */
  memorySessions: number;
  /** Open `GET /api/session/events` streams in the event-streams scenario. */
  eventStreams: number;
  /** Whether budgets decide the exit code. */
  enforceBudgets: boolean;
  /** The whole run is stopped after this long, whatever happens. */
  deadlineS: number;
}

export const FULL: Profile = {
  name: 'full',
  passes: 5,
  throughputS: 5,
  latencyS: 4,
  warmupS: 2,
  connections: 32,
  sessions: 10_000,
  callbackRate: 200,
  sessionLatencyRate: 2_000,
  memorySessions: 10_000,
  eventStreams: 1_000,
  enforceBudgets: true,
  deadlineS: 60 * 60,
};

/**
 * `--quick`: the full run's measurements, shorter (3 passes of 3 s, 2,000 sessions), for checking a change with
 * `--only`; budgets are judged but it writes no RESULTS.md.
 */
export const QUICK: Profile = {
  ...FULL,
  name: 'quick',
  passes: 3,
  throughputS: 3,
  latencyS: 3,
  warmupS: 1,
  sessions: 2_000,
  memorySessions: 2_000,
};

export const SMOKE: Profile = {
  name: 'smoke',
  passes: 1,
  throughputS: 1,
  latencyS: 1,
  warmupS: 0,
  connections: 8,
  sessions: 100,
  callbackRate: 50,
  sessionLatencyRate: 300,
  memorySessions: 500,
  eventStreams: 100,
  enforceBudgets: false,
  deadlineS: 10 * 60,
};
