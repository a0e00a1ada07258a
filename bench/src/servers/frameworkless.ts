import { randomUUID } from 'node:crypto';
import { NO_STORE_HEADERS, parseConfig, securityHeaderList, type Config } from '../gatehouse/bff.ts';
import { SPA_ORIGIN } from '../fixtures/oidc.ts';

/**
 * What the framework-free reference servers share: the BFF's configuration with its defaults (cookie names,
 * lifetimes), the headers every Gatehouse auth and API answer carries, and reading a cookie.
 */

export function referenceConfig(): Config {
  return parseConfig({
    PUBLIC_BFF_URL: 'http://127.0.0.1:3000',
    SPA_ORIGINS: SPA_ORIGIN,
    SESSION_STORE: 'memory',
  });
}

const FIXED: readonly string[] = [
  ...securityHeaderList(),
  ...NO_STORE_HEADERS,
  ['Vary', 'Origin'] as const,
].flat();

/** A fresh raw header list (`writeHead`'s flat form) for one answer: a request id, then Gatehouse's headers. */
export function gatehouseHeaders(): string[] {
  return ['X-Request-Id', randomUUID(), ...FIXED];
}

/** The value of cookie `name` in a `Cookie` header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const pair of header?.split(';') ?? []) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}
