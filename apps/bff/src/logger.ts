import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs. Handlers never log tokens, codes or cookies; the redaction below is the safety net for
 * anything that slips into an error object.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'gatehouse-bff' },
      redact: {
        paths: [
          'req.headers.cookie',
          'req.headers.authorization',
          '*.access_token',
          '*.refresh_token',
          '*.id_token',
          '*.client_secret',
          '*.code',
          '*.logout_token',
          'err.config',
          'err.response',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
