import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs. Handlers never log tokens, codes or cookies; the redaction below is the safety net for
 * anything that slips into an error object. It redacts by where a secret occurs (an OAuth parameter or response
 * field, a header), not by name alone: `err.code` is an error's code (`upstream_unavailable`, `ECONNREFUSED`)
 * that operators need, while an authorization `code` only ever travels in callback parameters.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  // stdout, buffered: lines go out in writes of at least 8 KiB, or every 100 ms, whichever comes first. A write per
  // access-log line cost more than the response's own write once stdout was a pipe (`pnpm start`, a container
  // runtime), woke the reader for every line, and blocked the event loop whenever that reader was slow. pino
  // writes out what is pending when the process exits.
  const out =
    destination ?? pino.destination({ dest: 1, sync: false, minLength: 8 * 1024, periodicFlush: 100 });
  return pino(
    {
      level,
      base: { service: 'gatehouse-bff' },
      redact: {
        paths: [
          'req.headers.cookie',
          'req.headers.authorization',
          '*.headers.cookie',
          '*.headers.authorization',
          '*.headers["set-cookie"]',
          '*.access_token',
          '*.refresh_token',
          '*.id_token',
          '*.client_secret',
          '*.logout_token',
          '*.password',
          // Authorization codes: in callback parameters, a query or a form body.
          '*.params.code',
          '*.query.code',
          '*.parameters.code',
          '*.body.code',
          '*.searchParams.code',
          'err.config',
          'err.response',
        ],
        censor: '[redacted]',
      },
    },
    out,
  );
}
