import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNotesApi, type NotesApiOptions } from './app.ts';

export interface StartNotesApiOptions extends NotesApiOptions {
  /** 0 picks a free port. */
  port: number;
  /** Defaults to Node's default (all interfaces). */
  host?: string;
}

export interface RunningNotesApi {
  /** `http://localhost:<the port actually bound>` (or the host given). */
  url: string;
  server: Server;
  close(): Promise<void>;
}

function urlHost(host: string | undefined): string {
  if (!host || host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

/** Starts the notes API on its own HTTP server. */
export async function startNotesApi(options: StartNotesApiOptions): Promise<RunningNotesApi> {
  const { port, host, ...apiOptions } = options;
  const server = createServer(
    { maxHeaderSize: 16 * 1024, requestTimeout: 30_000 },
    createNotesApi(apiOptions).callback(),
  );
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
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
