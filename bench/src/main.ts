import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { FULL, QUICK, SMOKE } from './profile.ts';
import { describeMachine } from './report/machine.ts';
import type { ScenarioReport } from './report/model.ts';
import { resultsMarkdown, resultsTable, verdictCounts } from './report/results-md.ts';
import { isLocalProcess, pinProcess, planCores } from './runner/affinity.ts';
import { ServerPool } from './runner/pool.ts';
import { atExit, installCleanup } from './runner/processes.ts';
import { SCENARIOS } from './scenarios/index.ts';
import type { RunContext } from './scenarios/scenario.ts';
import { serverStarters, type ServerName, type ServerSettings } from './scenarios/servers.ts';

/**
 * `pnpm bench` (full: writes bench/RESULTS.md, exits 1 when a budget is missed) and `pnpm bench:smoke` (every
 * scenario for a second or so: exits 1 only when one does not work). Options: `--quick` (shorter passes, see
 * profile.ts), `--only=<id>,<id>` runs some
 * scenarios (and writes no RESULTS.md); `--cpu-prof` writes CPU profiles of the Gatehouse servers to
 * bench/profiles/.
 */
const args = process.argv.slice(2);
const profile = args.includes('--smoke') ? SMOKE : args.includes('--quick') ? QUICK : FULL;
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const cpuProfileDir = args.includes('--cpu-prof')
  ? fileURLToPath(new URL('../profiles/', import.meta.url))
  : null;
const BENCH_DIR = fileURLToPath(new URL('../', import.meta.url));

const startedAt = new Date();
const log = (line: string): void => {
  const seconds = ((Date.now() - startedAt.getTime()) / 1000).toFixed(0).padStart(4);
  console.log(`[${seconds}s] ${line}`);
};

installCleanup();
setTimeout(() => {
  console.error(`bench: still running after ${profile.deadlineS} s; stopping everything`);
  process.exit(2);
}, profile.deadlineS * 1000).unref();

// Before this process is pinned to one core (which is all it would see afterwards).
const machine = describeMachine();
const cores = planCores();
if (cores.clientCore !== null) pinProcess(process.pid, cores.clientCore);

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
redis.on('error', () => undefined); // a failing connect is reported below
try {
  await redis.connect();
} catch (error) {
  console.error(`bench: Redis is needed at ${redisUrl} (${(error as Error).message})`);
  process.exit(1);
}
const redisInfo = Object.fromEntries(
  (await redis.info('server'))
    .split('\r\n')
    .filter((line) => line.includes(':'))
    .map((line) => line.split(':', 2) as [string, string]),
);
const redisPid = Number(redisInfo.process_id);
let pinning = cores.description;
if (cores.clientCore !== null && isLocalProcess(redisPid, 'redis-server')) {
  const restore = pinProcess(redisPid, cores.clientCore);
  if (restore) atExit(restore);
  pinning += restore
    ? '; Redis pinned to core 1 for the run, then restored'
    : '; Redis not pinned (not ours)';
} else {
  pinning += '; Redis not pinned (not a local process)';
}

async function deleteKeys(pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}

const workDir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
atExit(() => rmSync(workDir, { recursive: true, force: true }));
if (cpuProfileDir) mkdirSync(cpuProfileDir, { recursive: true });
const settings: ServerSettings = {
  profile,
  cores,
  redisUrl,
  redisKeyPrefix: `gatehouse-bench:${process.pid}:`,
  workDir,
  cpuProfileDir,
};
const servers = new ServerPool(serverStarters(settings));
const ctx: RunContext = { profile, cores, servers, settings, log };

const scenarios = only ? SCENARIOS.filter((s) => only.includes(s.id)) : SCENARIOS;
if (scenarios.length === 0) {
  console.error(
    `bench: no scenario is named ${only?.join(', ')}; there are ${SCENARIOS.map((s) => s.id).join(', ')}`,
  );
  process.exit(1);
}
const lastUse = new Map<ServerName, number>();
scenarios.forEach((scenario, index) => scenario.servers.forEach((name) => lastUse.set(name, index)));

log(`${profile.name} run: ${scenarios.length} scenarios; ${pinning}`);
const reports: ScenarioReport[] = [];
try {
  for (const [index, scenario] of scenarios.entries()) {
    log(`▶ ${scenario.id}`);
    try {
      reports.push(await scenario.run(ctx));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      reports.push({ id: scenario.id, rows: [], details: [], errors: [message] });
    }
    for (const problem of reports.at(-1)!.errors) log(`  ✗ ${problem}`);
    await servers.stop([...lastUse].filter(([, last]) => last === index).map(([name]) => name));
  }
} finally {
  await servers.stopAll();
  await deleteKeys(`${settings.redisKeyPrefix}*`).catch(() => undefined);
  redis.disconnect();
}

const seconds = (Date.now() - startedAt.getTime()) / 1000;
console.log(`\n${resultsTable(reports)}\n`);
if (profile.name === 'full' && !only) {
  const markdown = resultsMarkdown({
    command: 'pnpm bench',
    startedAt,
    seconds,
    machine,
    pinning,
    redis: `Redis ${redisInfo.redis_version ?? '?'}`,
    profile,
    reports,
  });
  writeFileSync(join(BENCH_DIR, 'RESULTS.md'), markdown);
  log('wrote bench/RESULTS.md');
}
const counts = verdictCounts(reports);
log(
  `${profile.name} run done in ${seconds.toFixed(0)} s: ${counts.met} met, ${counts.missed} missed, ` +
    `${counts.pending} pending, ${counts.failed} failed`,
);
process.exit(counts.failed > 0 || (profile.enforceBudgets && counts.missed > 0) ? 1 : 0);
