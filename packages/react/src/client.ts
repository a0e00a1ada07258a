import type { ProviderSummary, SessionInfo, SessionSummary } from '@gatehouse/shared';
import { GatehouseError, isUnauthenticated, StepUpRequiredError, UnauthenticatedError } from './errors.ts';
import {
  isErrorBody,
  isLogoutResponse,
  isProviderSummary,
  isSessionInfo,
  isSessionSummary,
  isStepUpBody,
  listOf,
  type Guard,
} from './guards.ts';

/** The header every `/api/*` call and `POST /auth/logout` carries (the contract's CSRF defence). */
export const CSRF_HEADER = 'X-CSRF';

export interface GatehouseClientOptions {
  /** The BFF's public base URL, e.g. `https://auth.example.com`. */
  bffUrl: string;
  /** Gives up on a request after this long (default 15 s). */
  timeoutMs?: number;
}

/** What a sign-in must prove: any of the `acr` values, an authentication at most `maxAge` seconds old. */
export interface StepUpRequirement {
  acr?: readonly string[] | string | null;
  maxAge?: number | null;
}

/** Extra parameters of `GET /auth/login`. */
export interface LoginOptions extends StepUpRequirement {
  /** `none`: a silent sign-in; the provider shows no page and answers `login_required` when it cannot. */
  prompt?: 'none';
}

export interface ProxyRequest {
  method?: string;
  /** Sent as JSON. */
  json?: unknown;
  query?: Record<string, string> | URLSearchParams;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** The BFF's HTTP API, typed; framework-free. A 401 `unauthenticated` anywhere is reported to `onSignedOut`. */
export interface GatehouseClient {
  readonly bffUrl: string;
  /**
   * The current session, or null when signed out. `slide: false` reads it without counting as activity
   * (the idle expiry does not move).
   */
  getSession(options?: { slide?: boolean }): Promise<SessionInfo | null>;
  /** `POST /api/session/extend`: slides the idle expiry now ("Stay signed in"). */
  extendSession(): Promise<SessionInfo>;
  getProviders(): Promise<ProviderSummary[]>;
  /** Ends the session at the BFF; answers where the browser should go next (the provider's end-session page). */
  logout(): Promise<string>;
  /**
   * Where a full-page navigation starts the login; never fetched. With `acr`/`maxAge` it is a step-up (the BFF
   * upgrades the current session), with `prompt: 'none'` a silent sign-in.
   */
  loginUrl(provider: string | undefined, returnTo: string, options?: LoginOptions): string;
  /** `GET /api/session/events`, for an `EventSource` with credentials. */
  readonly eventsUrl: string;
  listSessions(): Promise<SessionSummary[]>;
  revokeSession(id: string): Promise<void>;
  revokeAllSessions(): Promise<void>;
  /**
   * `/api/proxy/<api>/<path>`: the answer when it is a success; a `GatehouseError` with the contract's code
   * otherwise (an API's own 401 is a `GatehouseError`, only the BFF's `unauthenticated` an `UnauthenticatedError`,
   * and 401 `step_up_required` a `StepUpRequiredError` carrying the `acr`/`maxAge` to pass to `stepUp`).
   */
  proxyFetch(api: string, path: string, request?: ProxyRequest): Promise<Response>;
  /** `proxyFetch` and its JSON body, refused as `invalid_response` unless `guard` accepts it. */
  proxyJson<T>(api: string, path: string, guard: Guard<T>, request?: ProxyRequest): Promise<T>;
  /** Called whenever the BFF answers 401 `unauthenticated`; answers a function that stops the calls. */
  onSignedOut(listener: () => void): () => void;
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

/** A logout target must be an http(s) URL (never `javascript:`); anything else means the app's home. */
export function safeRedirect(redirectTo: string, base: string): string {
  try {
    const url = new URL(redirectTo, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : '/';
  } catch {
    return '/';
  }
}

interface SendOptions {
  body?: unknown;
  query?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** The answer may come from a proxied API, whose own 401 is not the BFF's `unauthenticated`. */
  proxied?: boolean;
}

export function createGatehouseClient(options: GatehouseClientOptions): GatehouseClient {
  const base = options.bffUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 15_000;
  const signedOutListeners = new Set<() => void>();

  async function send(method: string, path: string, opts: SendOptions = {}): Promise<Response> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      ...opts.headers,
      [CSRF_HEADER]: '1',
    };
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      // `fetch` is looked up on every call, so a test can stub it after the client exists.
      response = await fetch(base + path + (opts.query ? `?${opts.query}` : ''), {
        method,
        credentials: 'include',
        cache: 'no-store',
        headers,
        ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
        signal: opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout,
      });
    } catch (error) {
      if (opts.signal?.aborted) throw error;
      if (error instanceof Error && error.name === 'TimeoutError') {
        throw new GatehouseError(
          0,
          'timeout',
          'The Gatehouse service took too long to answer. Please try again.',
        );
      }
      throw new GatehouseError(
        0,
        'network',
        'The Gatehouse service could not be reached. Please try again later.',
      );
    }
    if (response.ok) return response;
    const { error, message, body } = await errorBody(response);
    if (response.status === 401 && isStepUpBody(body)) {
      throw new StepUpRequiredError(message, body.acr, body.maxAge);
    }
    if (response.status === 401 && (!opts.proxied || error === 'unauthenticated')) {
      for (const listener of [...signedOutListeners]) listener();
      throw new UnauthenticatedError(message);
    }
    throw new GatehouseError(response.status, error, message);
  }

  async function json<T>(method: string, path: string, guard: Guard<T>, opts?: SendOptions): Promise<T> {
    const response = await send(method, path, opts);
    const data: unknown = await response.json().catch(() => undefined);
    if (!guard(data)) {
      throw new GatehouseError(
        response.status,
        'invalid_response',
        'The Gatehouse service sent an unexpected answer.',
      );
    }
    return data;
  }

  function proxyPath(api: string, path: string): string {
    return `/api/proxy/${encodeURIComponent(api)}/${path.replace(/^\/+/, '')}`;
  }

  function proxyOptions(request: ProxyRequest = {}): SendOptions {
    const query = request.query ? new URLSearchParams(request.query).toString() : '';
    return {
      proxied: true,
      ...(request.json !== undefined ? { body: request.json } : {}),
      ...(query ? { query } : {}),
      ...(request.headers ? { headers: request.headers } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
    };
  }

  return {
    bffUrl: base,
    eventsUrl: `${base}/api/session/events`,

    async getSession({ slide = true } = {}) {
      try {
        return await json('GET', '/api/session', isSessionInfo, slide ? {} : { query: 'slide=false' });
      } catch (error) {
        if (isUnauthenticated(error)) return null;
        throw error;
      }
    },

    extendSession: () => json('POST', '/api/session/extend', isSessionInfo),

    getProviders: () => json('GET', '/auth/providers', listOf(isProviderSummary)),

    async logout() {
      try {
        const { redirectTo } = await json('POST', '/auth/logout', isLogoutResponse);
        return safeRedirect(redirectTo, globalThis.location?.href ?? base);
      } catch (error) {
        // No session to end: the visitor is signed out already, which is what they asked for.
        if (isUnauthenticated(error)) return '/';
        throw error;
      }
    },

    loginUrl(provider, returnTo, { acr, maxAge, prompt } = {}) {
      const query = new URLSearchParams();
      if (provider) query.set('provider', provider);
      query.set('returnTo', safeReturnTo(returnTo));
      const acrValues = typeof acr === 'string' ? acr : acr?.join(' ');
      if (acrValues) query.set('acr', acrValues);
      if (typeof maxAge === 'number') query.set('maxAge', String(Math.max(0, Math.floor(maxAge))));
      if (prompt) query.set('prompt', prompt);
      return `${base}/auth/login?${query.toString()}`;
    },

    listSessions: () => json('GET', '/api/sessions', listOf(isSessionSummary)),

    async revokeSession(id) {
      await send('DELETE', `/api/sessions/${encodeURIComponent(id)}`);
    },

    async revokeAllSessions() {
      await send('DELETE', '/api/sessions');
    },

    proxyFetch: (api, path, request) =>
      send(request?.method ?? 'GET', proxyPath(api, path), proxyOptions(request)),

    proxyJson: (api, path, guard, request) =>
      json(request?.method ?? 'GET', proxyPath(api, path), guard, proxyOptions(request)),

    onSignedOut(listener) {
      signedOutListeners.add(listener);
      return () => signedOutListeners.delete(listener);
    },
  };
}

async function errorBody(response: Response): Promise<{ error: string; message: string; body: unknown }> {
  const data: unknown = await response.json().catch(() => undefined);
  if (isErrorBody(data)) return { error: data.error, message: data.message, body: data };
  return {
    body: data,
    error: response.status === 401 ? 'unauthenticated' : `http_${response.status}`,
    message:
      FALLBACK_MESSAGES[response.status] ??
      (response.status >= 500
        ? 'The Gatehouse service ran into a problem. Please try again later.'
        : `The request failed (${response.status}).`),
  };
}
