import type { GatehouseInfo } from '../servers/gatehouse.ts';
import type { ChildHandle } from '../runner/child-server.ts';
import type { LoadTarget } from '../runner/wrk.ts';

/** The session cookies of every session seeded into a server, sent in turn. */
export function sessionCookies(
  server: ChildHandle<Pick<GatehouseInfo, 'cookieName' | 'sessionIds'>>,
): NonNullable<LoadTarget['rotate']> {
  const { cookieName, sessionIds } = server.info;
  return { header: 'Cookie', values: sessionIds.map((id) => `${cookieName}=${id}`) };
}

/** The JSON body of an answer, or null when it is not JSON. */
export function jsonOf(body: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
