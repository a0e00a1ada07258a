import type { Server } from 'node:http';
import type { Logger } from 'pino';

export interface GracefulShutdownOptions {
  /** How long in-flight requests (proxied streams included) may take to finish before they are cut. */
  timeoutMs: number;
  /**
   * Ends the responses that never finish by themselves (the live event streams), at once; answers how many.
   * Everything else in flight is waited for.
   */
  endStreams?(): number;
  /** Runs once no request is left: close the store and the other connections. */
  release(): Promise<void>;
  logger: Logger;
  exit(code: number): void;
}

/**
 * What a replica does on SIGTERM (a rolling restart, a scale-down): stop accepting at once — the load balancer
 * sees the port closed and sends new requests to another replica — end the event streams (their browsers
 * reconnect, through the load balancer, elsewhere), let in-flight requests finish, closing each keep-alive
 * connection as soon as it is idle, cut what is still running after `timeoutMs`, release the store, exit. A second
 * signal exits at once.
 */
export function gracefulShutdown(server: Server, options: GracefulShutdownOptions): (signal: string) => void {
  const { timeoutMs, release, logger, exit, endStreams } = options;
  let started: number | null = null;
  return (signal) => {
    if (started !== null) {
      logger.warn({ signal }, 'second signal: exiting now');
      exit(1);
      return;
    }
    started = performance.now();
    const streams = endStreams?.() ?? 0;
    logger.info(
      { signal, timeoutMs, streams },
      'shutting down: no new connections, event streams ended, finishing requests in flight',
    );
    // Connections that finish their request while we wait are closed as they go idle.
    const idle = setInterval(() => server.closeIdleConnections(), 50);
    const cut = setTimeout(() => {
      logger.warn({ timeoutMs }, 'shutdown: cutting the requests still in flight');
      server.closeAllConnections();
    }, timeoutMs);
    server.close(() => {
      clearInterval(idle);
      clearTimeout(cut);
      release().then(
        () => {
          logger.info({ ms: Math.round(performance.now() - started!) }, 'shut down');
          exit(0);
        },
        (error: Error) => {
          logger.error({ errorMessage: error.message }, 'shutdown: releasing resources failed');
          exit(1);
        },
      );
    });
    server.closeIdleConnections();
  };
}
