import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { spread } from './runner/stats.ts';

/**
 * `pnpm --filter @gatehouse/bench startup`: how long the BFF takes from `spawn` to a 200 from `/readyz`, run from
 * source (`node --import tsx src/server.ts`, as `pnpm start` does) and from the release (`node
 * dist-server/server.mjs`, as the image does; `pnpm build` first). Alternating runs, medians, one ratio.
 */
const BFF_DIR = fileURLToPath(new URL('../../apps/bff/', import.meta.url));
const RUNS = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? 7);

async function sparePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

async function timeToReady(args: string[]): Promise<number> {
  const port = await sparePort();
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: BFF_DIR,
    env: {
      PATH: process.env.PATH ?? '',
      BFF_PORT: String(port),
      SESSION_STORE: 'memory',
      METRICS_PORT: '0',
      LOG_LEVEL: 'silent',
    },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the BFF exited with ${child.exitCode}`);
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return performance.now() - started;
      if (performance.now() - started > 30_000) throw new Error('not ready within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } finally {
    child.kill('SIGKILL');
    await once(child, 'exit').catch(() => undefined);
  }
}

const source: number[] = [];
const built: number[] = [];
for (let i = 0; i < RUNS; i++) {
  source.push(await timeToReady(['--import', 'tsx', 'src/server.ts']));
  built.push(await timeToReady(['--enable-source-maps', 'dist-server/server.mjs']));
}
const s = spread(source);
const b = spread(built);
const ms = (v: number): string => `${v.toFixed(0)} ms`;
console.log(`start-up to /readyz over ${RUNS} runs each (median, min–max):`);
console.log(`  from source (tsx):  ${ms(s.median)} (${ms(s.min)}–${ms(s.max)})`);
console.log(`  from the build:     ${ms(b.median)} (${ms(b.min)}–${ms(b.max)})`);
console.log(`  source ÷ build: ${(s.median / b.median).toFixed(2)}`);
