import { once } from 'node:events';
import { createServer } from 'node:net';

/**
 * A free block of `count` consecutive loopback ports for servers that need fixed, adjacent ports (a Sentinel
 * set, a Cluster), and `offset` above each when set (a Cluster node's bus is its port + 10000). Random bases
 * within [20000, 30000), each port checked by listening on it: a spare port of the kernel's (port 0) would not
 * do, since the ports must be adjacent.
 */
export async function freePortBlock(count: number, offset?: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * (10_000 - count));
    const ports = Array.from({ length: count }, (_, i) => base + i);
    const all = offset === undefined ? ports : [...ports, ...ports.map((p) => p + offset)];
    if ((await Promise.all(all.map(isFree))).every(Boolean)) return base;
  }
  throw new Error(`no ${count} free adjacent ports found`);
}

async function isFree(port: number): Promise<boolean> {
  const server = createServer();
  server.listen(port, '127.0.0.1');
  try {
    await once(server, 'listening'); // rejects on 'error' (EADDRINUSE)
  } catch {
    return false;
  }
  server.close();
  await once(server, 'close');
  return true;
}
