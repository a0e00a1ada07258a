import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { OPTIONS_VARIABLE, type ChildMessage, type CpuReply } from '../servers/protocol.ts';
import { spawnTracked } from './processes.ts';

/** A server (or measurement) in its own Node process, started from a TypeScript entry point with tsx. */
export interface ChildHandle<Info = unknown> {
  name: string;
  pid: number;
  /** `http://127.0.0.1:<port>`; empty for a child that serves nothing. */
  url: string;
  info: Info;
  call<T>(method: string, params?: unknown): Promise<T>;
  /** CPU time (user + system) the process has used so far, in microseconds. */
  cpuMicros(): Promise<number>;
  stop(): Promise<void>;
}

export interface ChildLaunch {
  core: number | null;
  /** Extra Node flags, e.g. `--expose-gc` or `--cpu-prof`. */
  nodeArgs?: string[];
  startTimeoutMs?: number;
  /**
   * Where the child's stdout goes: nowhere (the default, as cheap as it gets), or, as `pnpm start` shows it,
   * through `scripts/prefix-lines.mjs` with this prefix, a process of its own on the child's core.
   */
  stdout?: { prefix: string };
}

const BENCH_DIR = fileURLToPath(new URL('../../', import.meta.url));
const PREFIX_LINES = fileURLToPath(new URL('../../../scripts/prefix-lines.mjs', import.meta.url));
const STDERR_KEPT = 16 * 1024;

export async function startChild<Info>(
  name: string,
  entry: URL,
  options: unknown,
  launch: ChildLaunch,
): Promise<ChildHandle<Info>> {
  const prefixer = launch.stdout
    ? spawnTracked(process.execPath, [PREFIX_LINES, launch.stdout.prefix], launch.core, {
        stdio: ['pipe', 'ignore', 'inherit'],
      })
    : null;
  const child: ChildProcess = spawnTracked(
    process.execPath,
    [...(launch.nodeArgs ?? []), '--import', 'tsx', fileURLToPath(entry)],
    launch.core,
    {
      cwd: BENCH_DIR,
      env: { ...process.env, [OPTIONS_VARIABLE]: JSON.stringify(options) },
      // stdout (a server's access log, when its level logs one) goes to /dev/null, as cheap as it gets.
      stdio: ['ignore', prefixer ? prefixer.stdin! : 'ignore', 'pipe', 'ipc'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEPT);
  });
  const failure = (what: string): Error => new Error(`${name}: ${what}${stderr ? `\n${stderr}` : ''}`);

  let nextId = 1;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  child.once('exit', (code, signal) => {
    for (const { reject } of pending.values()) reject(failure(`exited (${signal ?? code})`));
    pending.clear();
    prefixer?.stdin?.end();
  });

  const ready = await new Promise<{ port: number; info: Info }>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(failure('did not start in time')),
      launch.startTimeoutMs ?? 120_000,
    );
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve({ port: message.port, info: message.info as Info });
      } else if (message.type === 'reply') {
        const waiter = pending.get(message.id);
        pending.delete(message.id);
        if (message.error !== undefined) waiter?.reject(failure(message.error));
        else waiter?.resolve(message.result);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(failure(`exited before it was ready (${signal ?? code})`));
    });
  }).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });

  const call = <T>(method: string, params?: unknown): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        reject(failure('is not running'));
        return;
      }
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ type: 'call', id, method, params });
    });

  return {
    name,
    pid: child.pid!,
    url: ready.port ? `http://127.0.0.1:${ready.port}` : '',
    info: ready.info,
    call,
    cpuMicros: async () => (await call<CpuReply>('cpu')).micros,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      call('stop').catch(() => undefined);
      await exited;
      clearTimeout(timer);
    },
  };
}
