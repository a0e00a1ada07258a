import type { SessionInfo } from '@gatehouse/shared';
import { vi } from 'vitest';

export const BFF = 'http://bff.test:3000';

/** A session of alice's whose idle expiry is `idleInMs` from now (absolute end 8 h away). */
export function aliceSession(idleInMs = 30 * 60_000, extra: Partial<SessionInfo> = {}): SessionInfo {
  const now = Date.now();
  return {
    user: { sub: 'alice', name: 'Alice Liddell', email: 'alice@example.com', picture: null },
    provider: 'dev',
    createdAt: new Date(now - 60_000).toISOString(),
    expiresAt: new Date(now + 8 * 3_600_000).toISOString(),
    idleExpiresAt: new Date(now + idleInMs).toISOString(),
    claims: {},
    ...extra,
  };
}

export interface Call {
  method: string;
  url: string;
  init: RequestInit | undefined;
}

type Route = (call: Call) => Response | Promise<Response>;

/**
 * A stubbed global `fetch` that answers by `"METHOD /path"` and records every call; unknown routes are 404.
 */
export function stubBff(routes: Record<string, Route>) {
  const calls: Call[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    const call = { method: (init?.method ?? 'GET').toUpperCase(), url: url.href, init };
    calls.push(call);
    const route = routes[`${call.method} ${url.pathname}`];
    if (route) return route(call);
    return Response.json({ error: 'not_found', message: 'Not found.' }, { status: 404 });
  });
  vi.stubGlobal('fetch', fetch);
  return { calls, fetch };
}

export const json = (body: unknown, status = 200) => Response.json(body, { status });
export const unauthenticated = () => json({ error: 'unauthenticated', message: 'Please sign in.' }, 401);
