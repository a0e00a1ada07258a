import { listen } from '@gatehouse/shared/server';
import { createServer, type Server } from 'node:http';
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

/** Starts the notes API on its own HTTP server. */
export async function startNotesApi(options: StartNotesApiOptions): Promise<RunningNotesApi> {
  const { port, host, ...apiOptions } = options;
  const server = createServer(
    { maxHeaderSize: 16 * 1024, requestTimeout: 30_000 },
    createNotesApi(apiOptions).callback(),
  );
  const { url, close } = await listen(server, port, host);
  return { url, server, close };
}
