import type { AccountSummary, SessionInfo } from '@gatehouse/shared';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { CSRF_HEADER, safeReturnTo } from './client.ts';
import { GatehouseError, UnauthenticatedError } from './errors.ts';
import type { Gatehouse } from './gatehouse.ts';
import { isSessionInfo, listOf, type Guard } from './guards.ts';
import { useGatehouse } from './react.tsx';

/**
 * Several accounts in one browser (`/api/accounts`): list them, act as another, add one, sign out of one or
 * all. Every change is followed by a read of the page's session, so whatever shows the user (`useSession`)
 * shows the account the browser acts as now; the BFF's event stream tells the page's other tabs.
 */
export interface Accounts {
  list(): Promise<AccountSummary[]>;
  /** Acts as another of the browser's accounts; answers its session. */
  switchTo(id: string): Promise<SessionInfo>;
  /** Signs the browser out of one of its accounts; another becomes active, or none is left. */
  signOut(id: string): Promise<void>;
  /** Signs the browser out of every account it holds. */
  signOutAll(): Promise<void>;
  /** Where a full-page navigation adds an account (the provider shows its sign-in again). */
  addUrl(provider?: string, returnTo?: string): string;
  /** Leaves for the provider to add an account, coming back to `returnTo` (default: the current path). */
  add(provider?: string, options?: { returnTo?: string }): void;
}

const isAccountSummary: Guard<AccountSummary> = (value): value is AccountSummary => {
  if (typeof value !== 'object' || value === null) return false;
  const { id, active, user, provider, createdAt, expiresAt } = value as Record<string, unknown>;
  return (
    typeof id === 'string' &&
    typeof active === 'boolean' &&
    typeof provider === 'string' &&
    typeof createdAt === 'string' &&
    typeof expiresAt === 'string' &&
    typeof user === 'object' &&
    user !== null &&
    typeof (user as { sub?: unknown }).sub === 'string'
  );
};

export interface AccountsOptions {
  /** Gives up on a request after this long (default 15 s). */
  timeoutMs?: number;
  /** Leaves the page for the provider (`add`). Default: `location.assign`. */
  navigate?: (url: string) => void;
}

export function createAccounts(gatehouse: Gatehouse, options: AccountsOptions = {}): Accounts {
  const { client, session } = gatehouse;
  const timeoutMs = options.timeoutMs ?? 15_000;

  async function call(method: string, path: string, body?: unknown): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${client.bffUrl}${path}`, {
        method,
        credentials: 'include',
        cache: 'no-store',
        headers: {
          Accept: 'application/json',
          [CSRF_HEADER]: '1',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch {
      throw new GatehouseError(0, 'network', 'The Gatehouse service could not be reached. Please try again.');
    }
    if (response.ok) return response;
    const answer = (await response.json().catch(() => ({}))) as { error?: unknown; message?: unknown };
    const message =
      typeof answer.message === 'string' ? answer.message : `The request failed (${response.status}).`;
    if (response.status === 401) {
      session.signedOut(null);
      throw new UnauthenticatedError(message);
    }
    throw new GatehouseError(response.status, String(answer.error ?? `http_${response.status}`), message);
  }

  async function json<T>(response: Response, guard: Guard<T>): Promise<T> {
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

  /** The page shows whichever account is active now, or signs out when none is left. */
  async function reread(): Promise<void> {
    await session.refresh().catch(() => {});
  }

  const addUrl = (provider?: string, returnTo?: string): string => {
    const here = typeof window === 'undefined' ? '/' : `${window.location.pathname}${window.location.search}`;
    const url = new URL(client.loginUrl(provider, safeReturnTo(returnTo ?? here)));
    url.searchParams.set('addAccount', '1');
    return url.href;
  };

  return {
    list: async () => json(await call('GET', '/api/accounts'), listOf(isAccountSummary)),

    async switchTo(id) {
      const active = await json(await call('POST', '/api/accounts/active', { id }), isSessionInfo);
      await reread();
      return active;
    },

    async signOut(id) {
      await call('DELETE', `/api/accounts/${encodeURIComponent(id)}`);
      await reread();
    },

    async signOutAll() {
      await call('DELETE', '/api/accounts');
      session.signedOut('signed_out');
    },

    addUrl,

    add(provider, { returnTo } = {}) {
      (options.navigate ?? ((url: string) => window.location.assign(url)))(addUrl(provider, returnTo));
    },
  };
}

export interface UseAccounts {
  /** The browser's accounts; null until the first answer. */
  accounts: AccountSummary[] | null;
  error: GatehouseError | null;
  /** Reads the list again. */
  reload(): Promise<void>;
  /** `createAccounts`' actions; the list is read again after each. */
  actions: Accounts;
}

/** The browser's accounts, read again whenever the page's session changes (a switch, a sign-out, another tab). */
export function useAccounts(): UseAccounts {
  const gatehouse = useGatehouse();
  const [plain] = useState(() => createAccounts(gatehouse));
  const [accounts, setAccounts] = useState<AccountSummary[] | null>(null);
  const [error, setError] = useState<GatehouseError | null>(null);

  const reload = useCallback(async () => {
    try {
      setAccounts(await plain.list());
      setError(null);
    } catch (e) {
      setError(e instanceof GatehouseError ? e : new GatehouseError(0, 'network', String(e)));
    }
  }, [plain]);

  const actions = useMemo<Accounts>(
    () => ({
      ...plain,
      switchTo: (id) => plain.switchTo(id).finally(reload),
      signOut: (id) => plain.signOut(id).finally(reload),
    }),
    [plain, reload],
  );

  const { session } = gatehouse;
  useEffect(() => {
    let shown = session.getSnapshot().session;
    void reload();
    return session.subscribe(() => {
      const next = session.getSnapshot().session;
      if (next?.user.sub === shown?.user.sub && next?.provider === shown?.provider) return;
      shown = next;
      if (next) void reload();
      else setAccounts([]);
    });
  }, [session, reload]);

  return { accounts, error, reload, actions };
}
