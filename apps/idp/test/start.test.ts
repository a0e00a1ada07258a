import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startIdp } from '../src/index.ts';

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('startIdp', () => {
  it('answers a request that arrives while the provider is still being built', async () => {
    const port = await freePort();
    const starting = startIdp({ port, host: '127.0.0.1', clients: [] });
    // Probe as a readiness check would, from the moment the port opens; each attempt must get an answer.
    let status: number | undefined;
    const deadline = Date.now() + 10_000;
    while (status === undefined && Date.now() < deadline) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/.well-known/openid-configuration`, {
          signal: AbortSignal.timeout(3000),
        });
        status = response.status;
        await response.body?.cancel();
      } catch (error) {
        if ((error as Error).name === 'TimeoutError')
          throw new Error('a request was accepted but never answered');
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    }
    const idp = await starting;
    try {
      expect(status).toBe(200);
      expect(idp.issuer).toBe(`http://127.0.0.1:${port}`);
    } finally {
      await idp.close();
    }
  });

  it('closes promptly even with kept-alive connections', async () => {
    const idp = await startIdp({ port: 0, clients: [] });
    await (await fetch(`${idp.url}/jwks`)).text();
    const started = Date.now();
    await idp.close();
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(fetch(`${idp.url}/jwks`)).rejects.toThrow();
  });

  it('refuses a port that is taken', async () => {
    const idp = await startIdp({ port: 0, clients: [] });
    try {
      const port = Number(new URL(idp.url).port);
      await expect(startIdp({ port, clients: [] })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await idp.close();
    }
  });
});
