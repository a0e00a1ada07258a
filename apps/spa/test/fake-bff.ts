import type { ProviderSummary, SessionInfo, SessionSummary } from '@gatehouse/shared';
import { vi } from 'vitest';
import type { Note } from '../src/api/notes.ts';

export const BFF = 'http://bff.test:3000';

const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

/** Alice's session, with times around now: far enough from its expiry that no warning shows. */
export const alice: SessionInfo = {
  user: { sub: 'alice', name: 'Alice Liddell', email: 'alice@example.com', picture: null },
  provider: 'dev',
  createdAt: minutesFromNow(-10),
  expiresAt: minutesFromNow(470),
  idleExpiresAt: minutesFromNow(30),
  claims: {},
};

export interface RecordedCall {
  method: string;
  url: string;
  path: string;
  init: RequestInit | undefined;
}

type Answer = { status: number; body?: unknown };

/**
 * A fake BFF behind a stubbed global `fetch`: it answers the routes of the contract from mutable state and
 * records every call (with its init, to check credentials and the CSRF header).
 */
export function fakeBff(
  options: {
    session?: SessionInfo | null;
    providers?: ProviderSummary[];
    sessions?: SessionSummary[] | 'not-built';
    logoutRedirect?: string;
    config?: unknown;
    /**
     * The notes API behind `/api/proxy/notes/…`: a list of notes (newest first) answered like the real API,
     * or how the BFF's proxy refuses. Default: the BFF has no notes API (404 not_found).
     */
    notes?: Note[] | 'not-configured' | 'forbidden' | 'unavailable' | 'timeout';
    /** Overrides a route: `"GET /api/session"` → answer. */
    routes?: Record<string, Answer | (() => Answer)>;
  } = {},
) {
  const state = {
    session: options.session === undefined ? null : options.session,
    providers: options.providers ?? [{ name: 'dev', label: 'Dev IdP', available: true }],
    sessions: options.sessions ?? [],
    notes: options.notes ?? 'not-configured',
  };
  let noteIds = 0;
  const calls: RecordedCall[] = [];
  const unauthenticated: Answer = {
    status: 401,
    body: { error: 'unauthenticated', message: 'Please sign in.' },
  };

  function answer(method: string, path: string, init: RequestInit | undefined): Answer {
    const override = options.routes?.[`${method} ${path}`];
    if (override) return typeof override === 'function' ? override() : override;
    if (method === 'GET' && path === '/config.json')
      return { status: 200, body: options.config ?? { bffUrl: BFF } };
    if (method === 'GET' && path === '/auth/providers') return { status: 200, body: state.providers };
    // Like the real BFF: no CSRF header, no entry; no credentials, no cookie, so no session.
    const csrf = new Headers(init?.headers).get('X-CSRF');
    if ((path.startsWith('/api/') || path === '/auth/logout') && csrf !== '1') {
      return { status: 403, body: { error: 'csrf', message: 'Missing or wrong X-CSRF header.' } };
    }
    if (init?.credentials !== 'include') return unauthenticated;
    if (method === 'GET' && path === '/api/session') {
      return state.session ? { status: 200, body: state.session } : unauthenticated;
    }
    if (method === 'POST' && path === '/auth/logout') {
      state.session = null;
      return {
        status: 200,
        body: { redirectTo: options.logoutRedirect ?? 'http://idp.test/session/end?x=1' },
      };
    }
    if (path.startsWith('/api/sessions')) {
      if (state.sessions === 'not-built')
        return { status: 404, body: { error: 'not_found', message: 'Not found.' } };
      if (!state.session) return unauthenticated;
      if (method === 'GET' && path === '/api/sessions') return { status: 200, body: state.sessions };
      if (method === 'DELETE' && path === '/api/sessions') {
        state.sessions = [];
        state.session = null;
        return { status: 204 };
      }
      const id = decodeURIComponent(path.slice('/api/sessions/'.length));
      if (method === 'DELETE' && state.sessions.some((s) => s.id === id)) {
        if (state.sessions.find((s) => s.id === id)?.current) state.session = null;
        state.sessions = state.sessions.filter((s) => s.id !== id);
        return { status: 204 };
      }
      return { status: 404, body: { error: 'not_found', message: 'No such session.' } };
    }
    if (path.startsWith('/api/proxy/')) return proxied(method, path, init);
    return { status: 404, body: { error: 'not_found', message: 'Not found.' } };
  }

  /** The BFF proxy's refusals, then the notes API itself (its own error bodies). */
  function proxied(method: string, path: string, init: RequestInit | undefined): Answer {
    const notes = state.notes;
    if (!state.session) return unauthenticated;
    if (!path.startsWith('/api/proxy/notes/') || notes === 'not-configured') {
      return { status: 404, body: { error: 'not_found', message: 'No API named "notes".' } };
    }
    if (notes === 'forbidden') {
      return {
        status: 403,
        body: { error: 'forbidden', message: 'The "notes" API needs a session with the "dev" provider.' },
      };
    }
    if (notes === 'unavailable') {
      return {
        status: 502,
        body: { error: 'upstream_unavailable', message: 'The "notes" API is unavailable.' },
      };
    }
    if (notes === 'timeout') {
      return {
        status: 504,
        body: { error: 'upstream_timeout', message: 'The "notes" API did not answer in time.' },
      };
    }
    const rest = path.slice('/api/proxy/notes'.length);
    if (method === 'GET' && rest === '/notes') return { status: 200, body: notes };
    if (method === 'POST' && rest === '/notes') {
      if (new Headers(init?.headers).get('Content-Type') !== 'application/json') {
        return { status: 415, body: { error: 'unsupported_media_type', message: 'JSON only.' } };
      }
      const text = (JSON.parse(String(init?.body)) as { text?: unknown }).text;
      if (typeof text !== 'string' || !text.trim() || text.length > 500) {
        return {
          status: 400,
          body: { error: 'invalid_request', message: '"text" must be 1 to 500 characters' },
        };
      }
      const note: Note = {
        id: `n${++noteIds}`,
        text: text.trim(),
        createdAt: new Date(Date.parse('2026-11-26T21:00:00.000Z') + noteIds * 60_000).toISOString(),
      };
      state.notes = [note, ...notes];
      return { status: 201, body: note };
    }
    if (method === 'DELETE' && rest.startsWith('/notes/')) {
      const id = decodeURIComponent(rest.slice('/notes/'.length));
      if (!notes.some((n) => n.id === id)) {
        return { status: 404, body: { error: 'not_found', message: 'No such note.' } };
      }
      state.notes = notes.filter((n) => n.id !== id);
      return { status: 204 };
    }
    return { status: 404, body: { error: 'not_found', message: 'Not found.' } };
  }

  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input instanceof Request ? input.url : input), 'http://localhost:3000');
    const method = (init?.method ?? 'GET').toUpperCase();
    calls.push({ method, url: url.href, path: url.pathname, init });
    const { status, body } = answer(method, url.pathname, init);
    return new Response(status === 204 || body === undefined ? null : JSON.stringify(body), {
      status,
      headers: { 'Content-Type': 'application/json' },
    });
  });

  return { fetch, calls, state };
}

export type FakeBff = ReturnType<typeof fakeBff>;
