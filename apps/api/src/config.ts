import { ConfigError, parseEnv } from '@gatehouse/shared/server';
import { z } from 'zod';

/** The notes API's operator interface: the environment variables it reads, parsed once by `server.ts`. */

export { ConfigError };

const port = z.coerce.number().int().min(0).max(65535);
const httpUrl = z.url({ protocol: /^https?$/ }).transform((value) => value.replace(/\/+$/, ''));

const EnvSchema = z.object({
  API_PORT: port.default(4100),
  API_HOST: z.string().min(1).optional(),
  IDP_PORT: port.default(4000),
  API_ISSUER: httpUrl.optional(),
  API_AUDIENCE: z.url({ protocol: /^https?$/ }).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface ApiConfig {
  port: number;
  host: string | undefined;
  issuer: string;
  audience: string;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
}

/** Parses the environment; throws a `ConfigError` naming every invalid variable. Empty values count as unset. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const e = parseEnv(EnvSchema, env);
  return {
    port: e.API_PORT,
    host: e.API_HOST,
    issuer: e.API_ISSUER ?? `http://localhost:${e.IDP_PORT}`,
    // Its own origin by default: the audience the BFF asks tokens for (RFC 8707) when it relays to it.
    audience: e.API_AUDIENCE ?? `http://localhost:${e.API_PORT}`,
    logLevel: e.LOG_LEVEL,
  };
}
