import type { ProviderSummary, SessionInfo } from '@gatehouse/shared';
import { createContext, useContext } from 'react';
import type { BffClient } from '../api/bff.ts';

/**
 * The session, fetched once per page load and shared by every route. Loaders read it; when a later call
 * answers 401 (expired, revoked, signed out elsewhere) `signedOut()` makes it `null` for everyone.
 */
export interface SessionStore {
  get(): Promise<SessionInfo | null>;
  signedOut(): void;
}

export function createSessionStore(client: BffClient): SessionStore {
  let pending: Promise<SessionInfo | null> | undefined;
  return {
    get() {
      pending ??= client.getSession().catch((error: unknown) => {
        pending = undefined; // a failure (BFF unreachable) is retried on the next navigation
        throw error;
      });
      return pending;
    },
    signedOut() {
      pending = Promise.resolve(null);
    },
  };
}

/** The providers list, fetched at most once per page load (it only changes with the BFF's configuration). */
export function createProviderCache(client: BffClient): () => Promise<ProviderSummary[]> {
  let pending: Promise<ProviderSummary[]> | undefined;
  return () => {
    pending ??= client.getProviders().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

export interface AppServices {
  client: BffClient;
  session: SessionStore;
  providers: () => Promise<ProviderSummary[]>;
}

export const AppContext = createContext<AppServices | null>(null);

export function useApp(): AppServices {
  const services = useContext(AppContext);
  if (!services) throw new Error('useApp() outside <AppContext>');
  return services;
}
