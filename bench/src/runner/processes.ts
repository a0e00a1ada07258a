import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/**
 * Every process the bench starts is registered here and killed when the bench ends, however it ends: normal
 * exit, an exception, Ctrl-C or SIGTERM. Children also exit by themselves when their IPC channel closes.
 */
const live = new Set<ChildProcess>();
const cleanups: Array<() => void> = [];
let installed = false;

function killAll(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  live.clear();
}

function runCleanups(): void {
  killAll();
  for (const cleanup of cleanups.splice(0).reverse()) {
    try {
      cleanup();
    } catch {
      // best effort: the process is ending
    }
  }
}

/** Registers synchronous work for the very end (restoring CPU affinities, removing temporary files). */
export function atExit(cleanup: () => void): void {
  cleanups.push(cleanup);
}

export function installCleanup(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runCleanups);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping every child process\n`);
      runCleanups();
      process.exit(130);
    });
  }
}

/** `command args` pinned to `core` with taskset when one is given. */
export function spawnTracked(
  command: string,
  args: string[],
  core: number | null,
  options: SpawnOptions,
): ChildProcess {
  const [file, argv] = core === null ? [command, args] : ['taskset', ['-c', String(core), command, ...args]];
  const child = spawn(file, argv, options);
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** Waits for a child started with piped stdout and stderr to end; answers its exit code and output. */
export function completion(
  child: ChildProcess,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
