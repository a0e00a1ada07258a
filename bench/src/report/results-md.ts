import type { Profile } from '../profile.ts';
import { MAX_OPEN_LOOP_RATE } from '../runner/paired.ts';
import type { Machine } from './machine.ts';
import type { Row, ScenarioReport, Verdict } from './model.ts';

/** `bench/RESULTS.md`, written by the run itself. */
export interface RunSummary {
  command: string;
  startedAt: Date;
  seconds: number;
  machine: Machine;
  pinning: string;
  redis: string;
  profile: Profile;
  reports: ScenarioReport[];
}

const VERDICTS: Record<Verdict, string> = {
  met: 'met',
  missed: '**missed**',
  info: '',
  pending: 'pending',
  failed: '**failed**',
};

const cell = (text: string): string => text.replace(/\|/g, '\\|');

export function resultsTable(reports: ScenarioReport[]): string {
  const rows: Row[] = reports.flatMap((r) =>
    r.errors.length > 0 && r.rows.length === 0
      ? [
          {
            scenario: r.id,
            baseline: '',
            figure: 'errors',
            value: r.errors[0]!,
            budget: '',
            verdict: 'failed',
          },
        ]
      : r.rows,
  );
  return [
    '| scenario | baseline | figure | median (min–max) | budget | verdict |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${[r.scenario, r.baseline, r.figure, r.value, r.budget, VERDICTS[r.verdict]].map(cell).join(' | ')} |`,
    ),
  ].join('\n');
}

export function verdictCounts(reports: ScenarioReport[]): Record<Verdict, number> {
  const counts: Record<Verdict, number> = { met: 0, missed: 0, info: 0, pending: 0, failed: 0 };
  for (const report of reports) {
    for (const row of report.rows) counts[row.verdict]++;
    if (report.errors.length > 0) counts.failed++;
  }
  return counts;
}

export function resultsMarkdown(run: RunSummary): string {
  const { machine, profile } = run;
  const counts = verdictCounts(run.reports);
  const errors = run.reports.flatMap((r) => r.errors.map((e) => `- ${r.id}: ${e}`));
  const minutes = `${Math.floor(run.seconds / 60)} min ${Math.round(run.seconds % 60)} s`;
  return `# Gatehouse benchmark results

Written by \`${run.command}\` at the end of every full run; not edited by hand. Every figure is relative to a
baseline measured in the same run with the same client (a ratio, or for latency the difference to the
baseline's), never an absolute time: this machine is shared and noisy. Ratios are Gatehouse ÷ baseline, except
CPU efficiency (baseline CPU per request ÷ Gatehouse's, so higher is better there too). Each figure is the median
over ${profile.passes} interleaved passes, with the lowest and highest pass in brackets; budgets are judged on
the median.

- Command: \`${run.command}\` (${minutes}, started ${run.startedAt.toISOString()})
- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.os}; Node ${machine.node}; ${machine.wrk}; ${run.redis}
- Load average at the start: ${machine.loadAverage}
- Pinning: ${run.pinning}
- Load: wrk, one thread, keep-alive, one request in flight per connection (no pipelining); maximum throughput
  with ${profile.connections} connections, ${profile.passes} × ${profile.throughputS} s per side; then
  ${profile.passes} × ${profile.latencyS} s per side at a fixed rate of about half the baseline's maximum (at most
  80 % of Gatehouse's, at most ${MAX_OPEN_LOOP_RATE.toLocaleString('en')} req/s), open loop: an undici client sends each request
  at its intended time and measures latency from then (no coordinated omission); ${profile.warmupS} s warm-up per
  server. Scenarios against the library floor run the throughput passes only. CPU per request is the server
  process's own \`process.cpuUsage()\` delta over the run, read over IPC.
- Gatehouse: \`createApp\` with the real stores, cipher and provider registry, \`LOG_LEVEL=warn\` and stdout on
  /dev/null (except the \`pnpm start\` rows: file store, \`LOG_LEVEL=info\`, metrics on, stdout through
  \`scripts/prefix-lines.mjs\`),
  ${profile.sessions.toLocaleString('en')} realistic sessions seeded per store (sealed JWT access and ID tokens,
  refresh token, sid, user agent); the load cycles through all of them.

Budgets: ${counts.met} met, ${counts.missed} missed${counts.pending ? `, ${counts.pending} pending` : ''}${counts.failed ? `, ${counts.failed} failed` : ''}. Why the missed ones are missed, what the CPU profiles
showed and what was fixed: [PROFILES.md](PROFILES.md). Rows titled *reference* have no budget; they measure
what is out of Gatehouse's hands against the same baselines: a one-middleware Koa app (the framework alone),
the named-library floor (Koa, koa-session over a Map, @koa/router, each route's own work; the ≥ 0.9 budgets),
\`GET /api/session\` and \`GET /auth/login\` served with no framework at all (each route's own work), and a relay
that does nothing but relay (the second HTTP exchange alone).

${resultsTable(run.reports)}
${errors.length > 0 ? `\n## Errors\n\n${errors.join('\n')}\n` : ''}
## Details

${run.reports.flatMap((r) => r.details).join('\n')}
`;
}
