import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Listening {
  /** `http://localhost:<the port actually bound>`, or the host given. */
  url: string;
  /** Stops accepting and drops idle keep-alive connections, which would otherwise hold `close` open. */
  close(): Promise<void>;
}

/** How a bound host appears in a URL: wildcard binds are reached as localhost, IPv6 in brackets. */
export function urlHost(host: string | undefined): string {
  if (!host || host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

/** Binds `server` (port 0 picks a free one) and resolves once it listens; a bind error rejects. */
export async function listen(server: Server, port: number, host?: string): Promise<Listening> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${urlHost(host)}:${bound}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
