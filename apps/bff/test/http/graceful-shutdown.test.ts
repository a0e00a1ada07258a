import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { gracefulShutdown } from '../../src/http/graceful-shutdown.ts';
import { sleep } from '../support/redis-server.ts';

/** A server with a slow answer and an endless stream, as the proxy relays them, and a recorder of the shutdown. */
async function start(timeoutMs: number) {
  const server: Server = createServer((req, res) => {
    if (req.url === '/slow') {
      setTimeout(() => res.end('finished'), 400);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('first;'); // and nothing more: a stream that outlives the grace period
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const events: string[] = [];
  let exited!: (code: number) => void;
  const exit = new Promise<number>((resolve) => (exited = resolve));
  const shutdown = gracefulShutdown(server, {
    timeoutMs,
    logger: pino({ level: 'silent' }),
    async release() {
      events.push('released');
    },
    exit: (code) => {
      events.push(`exit ${code}`);
      exited(code);
    },
  });
  return { port, shutdown, events, exit };
}

const get = (port: number, path: string) =>
  new Promise<{ status: number; body: string; complete: boolean }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, complete: res.complete }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, body, complete: false }));
      res.on('aborted', () => resolve({ status: res.statusCode ?? 0, body, complete: false }));
    });
    req.on('error', reject);
    req.end();
  });

describe('graceful shutdown on SIGTERM', () => {
  it('stops accepting at once, finishes the request in flight, then releases the store and exits 0', async () => {
    const { port, shutdown, events, exit } = await start(5_000);
    const inFlight = get(port, '/slow');
    await sleep(50);
    shutdown('SIGTERM');
    await expect(get(port, '/slow')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(events).toEqual([]);
    expect(await inFlight).toEqual({ status: 200, body: 'finished', complete: true });
    expect(await exit).toBe(0);
    expect(events).toEqual(['released', 'exit 0']);
  });

  it('cuts a stream still running after the grace period, then exits', async () => {
    const { port, shutdown, events, exit } = await start(300);
    const stream = get(port, '/stream');
    await sleep(100);
    const started = performance.now();
    shutdown('SIGTERM');
    const cut = await stream;
    expect(cut.body).toBe('first;');
    expect(cut.complete).toBe(false);
    expect(await exit).toBe(0);
    console.log(
      `[shutdown] a stream was cut and the process released after ${Math.round(performance.now() - started)} ms (grace 300 ms)`,
    );
    expect(events).toEqual(['released', 'exit 0']);
  });
});
