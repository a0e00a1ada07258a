import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** Resolves once the process serves; rejects (or never resolves) otherwise. */
  ready(): Promise<boolean>;
}

/**
 * One process of the topology: started, stopped (a signal and a bounded wait), killed, restarted with the same
 * settings. Its output goes to `<logDir>/<name>.log` and, when `echo`, to this terminal prefixed by its name.
 */
export class ManagedProcess {
  #child: ChildProcess | null = null;
  #log: WriteStream;
  constructor(
    readonly spec: ProcessSpec,
    logFile: string,
    private readonly echo: boolean,
  ) {
    this.#log = createWriteStream(logFile, { flags: 'a' });
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get running(): boolean {
    return this.#child !== null && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  async start(timeoutMs = 30_000): Promise<void> {
    const { spec } = this;
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    const relay = (chunk: Buffer): void => {
      this.#log.write(chunk);
      if (this.echo) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) {
          process.stdout.write(`[${spec.name}] ${line}\n`);
        }
      }
    };
    child.stdout!.on('data', relay);
    child.stderr!.on('data', relay);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running) {
        throw new Error(`${spec.name} exited (${child.exitCode ?? child.signalCode}) before it was ready`);
      }
      if (await spec.ready().catch(() => false)) return;
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`${spec.name} was not ready within ${timeoutMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Sends `signal` and waits for the exit, SIGKILL after `graceMs`. Answers how long the exit took. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<number> {
    const child = this.#child;
    if (!child || !this.running) return 0;
    const started = performance.now();
    const exited = once(child, 'exit');
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
    return performance.now() - started;
  }

  async close(): Promise<void> {
    await this.stop();
    this.#log.end();
  }
}
