import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { connectAdmin } from '../store/redis-helpers.ts';

/**
 * Private redis-server processes for outage tests: started on a spare port, frozen (SIGSTOP), stopped and
 * restarted. `stopAllRedis` in `afterAll` makes sure none outlives the run, even after a failure.
 */
export const children = new Set<ChildProcess>();

export async function sparePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--loglevel',
      'warning',
    ],
    { stdio: 'ignore' },
  );
  children.add(child);
  child.once('exit', () => children.delete(child));
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`redis-server on port ${port} exited with ${child.exitCode}`);
    try {
      const admin = await connectAdmin(`redis://127.0.0.1:${port}`);
      await admin.quit();
      return child;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(50);
    }
  }
}

export async function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGCONT'); // a stopped process cannot handle SIGTERM
  child.kill(signal);
  await exited;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** How long `promise` takes to settle, and how. */
export async function timed<T>(promise: Promise<T>): Promise<{ ms: number; value?: T; error?: unknown }> {
  const start = performance.now();
  try {
    const value = await promise;
    return { ms: performance.now() - start, value };
  } catch (error) {
    return { ms: performance.now() - start, error };
  }
}

/** Polls `attempt` until it resolves to something `done` accepts; answers the time that took. */
export async function until<T>(
  attempt: () => Promise<T>,
  done: (value: T) => boolean,
  limitMs: number,
): Promise<number> {
  const start = performance.now();
  for (;;) {
    try {
      if (done(await attempt())) return performance.now() - start;
    } catch {
      // still down
    }
    if (performance.now() - start > limitMs) throw new Error(`not recovered after ${limitMs} ms`);
    await sleep(50);
  }
}

export async function stopAllRedis(): Promise<void> {
  await Promise.all([...children].map((child) => stop(child, 'SIGKILL')));
}
