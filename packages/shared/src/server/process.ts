/** What the process helpers log through (a pino logger fits). */
export interface ProcessLogger {
  info(details: object, message: string): void;
  error(details: object, message: string): void;
  fatal(details: object | string, message?: string): void;
}

export interface ServiceProcess {
  /** How the service names itself in log lines: `notes api`, `dev IdP`. */
  name: string;
  logger: ProcessLogger;
}

/** Waits for `started`; a port that cannot be bound ends the process with a line naming the variable to set. */
export function startedOrExit<T>(
  started: Promise<T>,
  { name, logger }: ServiceProcess,
  port: { value: number; variable: string },
): Promise<T> {
  return started.catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      logger.fatal(`cannot listen on port ${port.value} (${code}); set ${port.variable} to a free port`);
    } else {
      logger.fatal({ err: error }, `${name} failed to start`);
    }
    process.exit(1);
  });
}

/** SIGINT and SIGTERM close the service and exit; a stuck connection cannot keep the process alive past 5 s. */
export function stopOnSignals({ name, logger }: ServiceProcess, close: () => Promise<unknown>): void {
  let stopping = false;
  async function stop(signal: NodeJS.Signals): Promise<void> {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, `${name} stopping`);
    setTimeout(() => process.exit(1), 5000).unref();
    try {
      await close();
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, `${name}: error while stopping`);
      process.exit(1);
    }
  }
  process.once('SIGINT', (signal) => void stop(signal));
  process.once('SIGTERM', (signal) => void stop(signal));
}
