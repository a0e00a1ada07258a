import type { SessionInfo } from '@gatehouse/shared';
import {
  createContext,
  useContext,
  useEffect,
  useMemo,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from 'react';
import { createGatehouse, type Gatehouse, type GatehouseOptions } from './gatehouse.ts';
import type { SessionState, SessionStore } from './session-store.ts';

const GatehouseContext = createContext<Gatehouse | null>(null);

export type GatehouseProviderProps = { children?: ReactNode } & (
  | { /** One made with `createGatehouse`, shared with loaders outside React. */ gatehouse: Gatehouse }
  | ({ gatehouse?: undefined } & GatehouseOptions)
);

/** Makes the BFF at `bffUrl` (or an existing `gatehouse`) available below, and watches the session while mounted. */
export function GatehouseProvider(props: GatehouseProviderProps) {
  const [gatehouse] = useState(() => props.gatehouse ?? createGatehouse(props as GatehouseOptions));
  useEffect(() => gatehouse.session.start(), [gatehouse]);
  return <GatehouseContext.Provider value={gatehouse}>{props.children}</GatehouseContext.Provider>;
}

export function useGatehouse(): Gatehouse {
  const gatehouse = useContext(GatehouseContext);
  if (!gatehouse) throw new Error('useGatehouse() and useSession() need a <GatehouseProvider> above them');
  return gatehouse;
}

export interface UseSession extends SessionState {
  /** Reads the session again (counts as activity). */
  refresh(): Promise<SessionInfo | null>;
  signIn(provider?: string, options?: { returnTo?: string }): void;
  /** Signs in again to meet a `StepUpRequiredError` (or `{acr, maxAge}`); see `SessionStore.stepUp`. */
  stepUp: SessionStore['stepUp'];
  signOut(): Promise<void>;
  /** Slides the idle expiry now ("Stay signed in"). */
  staySignedIn(): Promise<void>;
}

/** The page's session; every component shares one read of it. */
export function useSession(): UseSession {
  const { session } = useGatehouse();
  const state = useSyncExternalStore(session.subscribe, session.getSnapshot, session.getSnapshot);
  return useMemo(
    () => ({
      ...state,
      refresh: session.refresh,
      signIn: session.signIn,
      stepUp: session.stepUp,
      signOut: session.signOut,
      staySignedIn: session.staySignedIn,
    }),
    [state, session],
  );
}

/**
 * A protected element: its children while signed in, `fallback` while loading; signed out, it starts the
 * login (coming back to this page) and shows `fallback` meanwhile.
 */
export function RequireSession({
  children,
  fallback = null,
  provider,
}: {
  children?: ReactNode;
  fallback?: ReactNode;
  provider?: string;
}) {
  const { status, signIn } = useSession();
  useEffect(() => {
    if (status === 'unauthenticated') signIn(provider);
  }, [status, signIn, provider]);
  return <>{status === 'authenticated' ? children : fallback}</>;
}
