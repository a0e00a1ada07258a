import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/**
 * docker-compose.yml as `pnpm start:cluster` reads it: the one place the topology's settings live, so the local
 * processes cannot drift from the containers. Variables are interpolated as docker-compose does it (`$VAR`,
 * `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?message}`, `$$` for a literal `$`).
 */
export interface ComposeService {
  command: string[];
  environment: Record<string, string>;
  workingDir: string | undefined;
  volumes: string[];
}

export class ComposeError extends Error {
  override readonly name = 'ComposeError';
}

const VARIABLE = /\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-|:?\?)([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

export function interpolate(value: string, env: Record<string, string | undefined>): string {
  return value.replace(VARIABLE, (match, braced?: string, op?: string, arg?: string, bare?: string) => {
    if (match === '$$') return '$';
    const name = (braced ?? bare)!;
    const current = env[name];
    const unsetOrEmpty = current === undefined || current === '';
    switch (op) {
      case ':-':
        return unsetOrEmpty ? (arg ?? '') : current;
      case '-':
        return current === undefined ? (arg ?? '') : current;
      case ':?':
      case '?':
        if (op === ':?' ? unsetOrEmpty : current === undefined) {
          throw new ComposeError(`${name}: ${arg || 'must be set'}`);
        }
        return current!;
      default:
        return current ?? '';
    }
  });
}

/** The services of a compose file, with merge keys resolved and variables interpolated from `env`. */
export function readCompose(
  file: string,
  env: Record<string, string | undefined>,
): Record<string, ComposeService> {
  const doc = parse(readFileSync(file, 'utf8'), { merge: true }) as {
    services?: Record<
      string,
      { command?: unknown; environment?: unknown; working_dir?: unknown; volumes?: unknown }
    >;
  };
  if (!doc.services) throw new ComposeError(`${file} has no services`);
  const services: Record<string, ComposeService> = {};
  for (const [name, service] of Object.entries(doc.services)) {
    const command = Array.isArray(service.command) ? service.command.map(String) : [];
    const environment: Record<string, string> = {};
    if (service.environment && typeof service.environment === 'object') {
      for (const [key, value] of Object.entries(service.environment as Record<string, unknown>)) {
        environment[key] = interpolate(String(value ?? ''), env);
      }
    }
    services[name] = {
      command: command.map((part) => interpolate(part, env)),
      environment,
      workingDir: typeof service.working_dir === 'string' ? service.working_dir : undefined,
      volumes: Array.isArray(service.volumes) ? service.volumes.map(String) : [],
    };
  }
  return services;
}

/** Splits a `sh -c` command line into words (double and single quotes; no expansions). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  const pattern = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (const match of line.matchAll(pattern)) words.push(match[1] ?? match[2] ?? match[3] ?? '');
  return words;
}
