import { randomUUID } from 'node:crypto';
import { NO_STORE_HEADERS, securityHeaderList } from '../gatehouse/bff.ts';

/** What the framework-free reference servers share: the headers every Gatehouse auth and API answer carries. */

const FIXED: readonly string[] = [
  ...securityHeaderList(),
  ...NO_STORE_HEADERS,
  ['Vary', 'Origin'] as const,
].flat();

/** A fresh raw header list (`writeHead`'s flat form) for one answer: a request id, then Gatehouse's headers. */
export function gatehouseHeaders(): string[] {
  return ['X-Request-Id', randomUUID(), ...FIXED];
}
