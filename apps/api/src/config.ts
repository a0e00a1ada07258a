import { z } from 'zod';

/** The notes API's operator interface: the environment variables it reads, parsed once by `server.ts`. */

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const port = z.coerce.number().int().min(0).max(65535);
const httpUrl = z.url({ protocol: /^https?$/ }).transform((value) => value.replace(/\/+$/, ''));

const EnvSchema = z.object({
  API_PORT: port.default(4100),
  API_HOST: z.string().min(1).optional(),
  IDP_PORT: port.default(4000),
  API_ISSUER: httpUrl.optional(),
  API_AUDIENCE: z.url({ protocol: /^https?$/ }).default('http://localhost:4100'),
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
  const present = Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '',
    ),
  );
  const result = EnvSchema.safeParse(present);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `${String(issue.path[0])}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = result.data;
  return {
    port: e.API_PORT,
    host: e.API_HOST,
    issuer: e.API_ISSUER ?? `http://localhost:${e.IDP_PORT}`,
    audience: e.API_AUDIENCE,
    logLevel: e.LOG_LEVEL,
  };
}
