/**
 * The SPA server's environment, parsed once. Every variable has a working default; an invalid value stops
 * start-up with a message that names the variable. Shared by `server.ts` and `vite.config.ts`.
 */
export interface SpaEnv {
  /** `SPA_PORT` (default 5173; 0 picks a free port). */
  port: number;
  /** `SPA_HOST` (default: all interfaces). */
  host: string | undefined;
  /** `PUBLIC_BFF_URL`, else `http://localhost:${BFF_PORT}`; no trailing slash. */
  bffUrl: string;
  /** `SPA_SILENT_SIGN_IN` (`true`/`false`, default false): try a silent sign-in once per tab on load. */
  silentSignIn: boolean;
}

export class EnvError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid environment variable ${variable}: ${problem}`);
    this.name = 'EnvError';
  }
}

type Env = Record<string, string | undefined>;

function value(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw === undefined || raw === '' ? undefined : raw;
}

function port(env: Env, name: string, fallback: number, min: number): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d{1,5}$/.test(raw) || Number(raw) < min || Number(raw) > 65535) {
    throw new EnvError(name, `expected a port number ${min}-65535, got ${JSON.stringify(raw)}`);
  }
  return Number(raw);
}

/** Validates an http(s) base URL: no credentials, query or fragment; the trailing slash is dropped. */
export function parseBaseUrl(name: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new EnvError(name, `expected an absolute http(s) URL, got ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EnvError(name, `expected an http: or https: URL, got ${JSON.stringify(raw)}`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new EnvError(name, 'must not contain credentials, a query or a fragment');
  }
  return url.href.replace(/\/+$/, '');
}

export function readSpaEnv(env: Env = process.env): SpaEnv {
  const spaPort = port(env, 'SPA_PORT', 5173, 0);
  const bffPort = port(env, 'BFF_PORT', 3000, 1);
  const host = value(env, 'SPA_HOST');
  const publicBffUrl = value(env, 'PUBLIC_BFF_URL');
  const bffUrl = publicBffUrl ? parseBaseUrl('PUBLIC_BFF_URL', publicBffUrl) : `http://localhost:${bffPort}`;
  return { port: spaPort, host, bffUrl, silentSignIn: flag(env, 'SPA_SILENT_SIGN_IN', false) };
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = value(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new EnvError(name, `expected true or false, got ${JSON.stringify(raw)}`);
}

/** The body of `/config.json`: what the SPA reads at start (`src/config.ts`). */
export function runtimeConfigBody(env: Pick<SpaEnv, 'bffUrl' | 'silentSignIn'>): string {
  return JSON.stringify({ bffUrl: env.bffUrl, silentSignIn: env.silentSignIn });
}
