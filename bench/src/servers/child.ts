import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OPTIONS_VARIABLE, type CallMessage, type CpuReply, type ChildMessage } from './protocol.ts';

/** Child side of the protocol in `protocol.ts`. */

export type Handler = (params: unknown) => unknown;

export function childOptions<T>(): T {
  const raw = process.env[OPTIONS_VARIABLE];
  if (!raw) throw new Error(`${OPTIONS_VARIABLE} is not set: start this file through the bench runner.`);
  return JSON.parse(raw) as T;
}

function send(message: ChildMessage): void {
  process.send?.(message);
}

export function listenOnLoopback(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/**
 * Says `ready` and answers the parent's calls until it says `stop` (then `onStop` runs and the process exits).
 * A child whose parent is gone exits too: the IPC channel closing is the signal.
 */
export function serveParent(
  port: number,
  info: unknown,
  handlers: Record<string, Handler> = {},
  onStop: () => Promise<void> | void = () => undefined,
): void {
  const all: Record<string, Handler> = {
    cpu: (): CpuReply => {
      const { user, system } = process.cpuUsage();
      return { micros: user + system };
    },
    ...handlers,
  };
  process.on('message', (message: CallMessage) => {
    if (message?.type !== 'call') return;
    if (message.method === 'stop') {
      void Promise.resolve()
        .then(onStop)
        .finally(() => {
          send({ type: 'reply', id: message.id, result: null });
          // Let the reply leave before exiting (and --cpu-prof write its profile).
          setImmediate(() => process.exit(0));
        });
      return;
    }
    const handler = all[message.method];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown method "${message.method}"`);
        return handler(message.params);
      })
      .then(
        (result) => send({ type: 'reply', id: message.id, result }),
        (error: unknown) =>
          send({
            type: 'reply',
            id: message.id,
            error: error instanceof Error ? error.message : String(error),
          }),
      );
  });
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', port, info });
}
