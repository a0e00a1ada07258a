import {
  CSRF_HEADER,
  CSRF_HEADER_VALUE,
  ErrorBodySchema,
  LogoutResponseSchema,
  ProviderListSchema,
  SessionInfoSchema,
  SessionListSchema,
  type ProviderSummary,
  type SessionInfo,
  type SessionSummary,
} from '@gatehouse/shared';
import { browser } from '../lib/browser.ts';
import { NOTES_PATH, NoteListSchema, NoteSchema, type Note } from './notes.ts';

/** An answer of the BFF other than success, with its `{error, message}` body (or a stand-in for it). */
export class BffError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'BffError';
  }
}

/** 401: there is no live session (never signed in, expired, revoked). A state, not a failure. */
export class UnauthenticatedError extends BffError {
  constructor(message = 'You are signed out.') {
    super(401, 'unauthenticated', message);
    this.name = 'UnauthenticatedError';
  }
}

export function isUnauthenticated(error: unknown): error is UnauthenticatedError {
  return error instanceof UnauthenticatedError;
}

export interface BffClient {
  readonly bffUrl: string;
  /** The current session, or `null` when signed out (401). */
  getSession(): Promise<SessionInfo | null>;
  getProviders(): Promise<ProviderSummary[]>;
  /** Ends the session at the BFF, then leaves for the returned URL (the provider's end-session page). */
  logout(): Promise<void>;
  /** Where a full-page navigation starts the login; never fetched. */
  loginUrl(provider: string | undefined, returnTo: string): string;
  listSessions(): Promise<SessionSummary[]>;
  revokeSession(id: string): Promise<void>;
  revokeAllSessions(): Promise<void>;
  /** The sample notes API through the BFF proxy. A 401 from the API itself (not the BFF) is a `BffError`. */
  listNotes(): Promise<Note[]>;
  addNote(text: string): Promise<Note>;
  deleteNote(id: string): Promise<void>;
}

interface Schema<T> {
  safeParse(data: unknown): { success: true; data: T } | { success: false };
}

export interface BffClientOptions {
  /** Gives up on a request after this long (default 15 s). */
  timeoutMs?: number;
}

const FALLBACK_MESSAGES: Record<number, string> = {
  403: 'This request was refused.',
  404: 'Not found.',
  429: 'Too many requests. Please wait a moment and try again.',
  503: 'The service is temporarily unavailable. Please try again shortly.',
};

/** Only same-site relative paths may be a `returnTo`; anything else means home. */
export function safeReturnTo(returnTo: string): string {
  return /^\/(?![/\\])/.test(returnTo) ? returnTo : '/';
}

export function createBffClient(bffUrl: string, options: BffClientOptions = {}): BffClient {
  const base = bffUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 15_000;

  interface SendOptions {
    /** Sent as JSON. */
    body?: unknown;
    /**
     * The answer may come from a proxied API: its own 401 (e.g. `invalid_token`) is an API error, and only
     * the BFF's `unauthenticated` means the session is gone.
     */
    proxied?: boolean;
  }

  async function send(method: string, path: string, options: SendOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { [CSRF_HEADER]: CSRF_HEADER_VALUE, Accept: 'application/json' };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      // `fetch` is looked up on every call, so a test can stub it after the client exists.
      response = await fetch(base + path, {
        method,
        credentials: 'include',
        cache: 'no-store',
        headers,
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      if (error instanceof Error && error.name === 'TimeoutError') {
        throw new BffError(0, 'timeout', 'The Gatehouse service took too long to answer. Please try again.');
      }
      throw new BffError(0, 'network', 'The Gatehouse service could not be reached. Please try again later.');
    }
    if (response.ok) return response;
    const { error, message } = await errorBody(response);
    if (response.status === 401 && (!options.proxied || error === 'unauthenticated')) {
      throw new UnauthenticatedError(message);
    }
    throw new BffError(response.status, error, message);
  }

  async function json<T>(method: string, path: string, schema: Schema<T>, options?: SendOptions): Promise<T> {
    const response = await send(method, path, options);
    const parsed = schema.safeParse(await bodyOf(response));
    if (!parsed.success) {
      throw new BffError(
        response.status,
        'invalid_response',
        'The Gatehouse service sent an unexpected answer.',
      );
    }
    return parsed.data;
  }

  const client: BffClient = {
    bffUrl: base,

    async getSession() {
      try {
        return await json('GET', '/api/session', SessionInfoSchema);
      } catch (error) {
        if (isUnauthenticated(error)) return null;
        throw error;
      }
    },

    getProviders: () => json('GET', '/auth/providers', ProviderListSchema),

    async logout() {
      let target = '/';
      try {
        const { redirectTo } = await json('POST', '/auth/logout', LogoutResponseSchema);
        target = safeRedirect(redirectTo);
      } catch (error) {
        // No session to end: the visitor is signed out already, which is what they asked for.
        if (!isUnauthenticated(error)) throw error;
      }
      browser.assign(target);
    },

    loginUrl(provider, returnTo) {
      const query = new URLSearchParams();
      if (provider) query.set('provider', provider);
      query.set('returnTo', safeReturnTo(returnTo));
      return `${base}/auth/login?${query.toString()}`;
    },

    listSessions: () => json('GET', '/api/sessions', SessionListSchema),

    async revokeSession(id) {
      await send('DELETE', `/api/sessions/${encodeURIComponent(id)}`);
    },

    async revokeAllSessions() {
      await send('DELETE', '/api/sessions');
    },

    listNotes: () => json('GET', NOTES_PATH, NoteListSchema, { proxied: true }),

    addNote: (text) => json('POST', NOTES_PATH, NoteSchema, { body: { text }, proxied: true }),

    async deleteNote(id) {
      await send('DELETE', `${NOTES_PATH}/${encodeURIComponent(id)}`, { proxied: true });
    },
  };
  return client;
}

/** The response's JSON, or undefined when it has none (the schema then refuses it). */
const bodyOf = (response: Response): Promise<unknown> => response.json().catch(() => undefined);

async function errorBody(response: Response): Promise<{ error: string; message: string }> {
  const parsed = ErrorBodySchema.safeParse(await bodyOf(response));
  if (parsed.success) return parsed.data;
  return {
    error: response.status === 401 ? 'unauthenticated' : `http_${response.status}`,
    message:
      FALLBACK_MESSAGES[response.status] ??
      (response.status >= 500
        ? 'The Gatehouse service ran into a problem. Please try again later.'
        : `The request failed (${response.status}).`),
  };
}

/** A logout target must be an http(s) URL (never `javascript:`); anything else means the SPA's home. */
function safeRedirect(redirectTo: string): string {
  try {
    const url = new URL(redirectTo, window.location.href);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : '/';
  } catch {
    return '/';
  }
}
