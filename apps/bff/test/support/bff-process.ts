import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { sparePort, sleep } from './redis-server.ts';

const BFF_DIR = fileURLToPath(new URL('../../', import.meta.url));

export interface BffProcess {
  url: string;
  port: number;
  output: () => string;
  /** The exit code (null when a signal ended it), once the process has exited. */
  exited: Promise<number | null>;
  signal(name: NodeJS.Signals): void;
  stop(): Promise<void>;
}

/** A real BFF process (`node --import tsx src/server.ts`, as `pnpm start` runs it), ready when /healthz is. */
export async function startBffProcess(env: Record<string, string>, port?: number): Promise<BffProcess> {
  const bffPort = port ?? (await sparePort());
  const url = `http://localhost:${bffPort}`;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: BFF_DIR,
    env: {
      PATH: process.env.PATH ?? '',
      BFF_PORT: String(bffPort),
      PUBLIC_BFF_URL: url,
      LOG_LEVEL: 'warn',
      METRICS_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit').then(
    ([code]) => code as number | null,
    () => null,
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the BFF exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the BFF did not start within 20 s:\n${output}`);
    }
    await sleep(100);
  }
  return {
    url,
    port: bffPort,
    output: () => output,
    exited,
    signal: (name) => child.kill(name),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
