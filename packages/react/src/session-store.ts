import type { SessionEndReason, SessionInfo } from '@gatehouse/shared';
import type { GatehouseClient, StepUpRequirement } from './client.ts';
import { GatehouseError } from './errors.ts';
import { expiryPlan, type ExpiryWarning } from './expiry.ts';
import { openLiveEvents, type LiveEvents, type LiveEventsOptions } from './live-events.ts';
import { claimSilentAttempt, quietLoginRequired } from './silent-sign-in.ts';
import { openTabChannel, type TabChannel, type TabMessage } from './tab-channel.ts';

export type SessionStatus = 'loading' | 'authenticated' | 'unauthenticated';

export interface SessionState {
  status: SessionStatus;
  session: SessionInfo | null;
  /** Why the session ended while this page watched it (null when unknown or never signed in). */
  ended: SessionEndReason | null;
  /** The BFF could not be asked when the page loaded (unreachable, failing): shown signed out. */
  error: GatehouseError | null;
  /** Set from the contract's warning time until the session ends or is extended. */
  expiryWarning: ExpiryWarning | null;
}

export interface SessionStoreOptions {
  /** Reads the session again when the window regains focus or the browser comes back online (default true). */
  refetchOnFocus?: boolean;
  /** Background reads (focus, online, a broken stream) at most this often (default 5 s). */
  minRefetchIntervalMs?: number;
  /** The BFF's live events (`GET /api/session/events`); false turns them off. Default on where `EventSource` exists. */
  live?: boolean | LiveEventsOptions;
  /** The BroadcastChannel name tabs share (default `gatehouse-session`); false turns tab sync off. */
  tabSync?: boolean | string;
  /** Leaves the page (to the login, to the provider's sign-out). Default: `location.assign`. */
  navigate?: (url: string) => void;
  /**
   * Opt-in: when the page loads signed out, try a silent sign-in (`prompt=none`) once per browser tab, coming
   * back to the same page — signed in if the provider still has a session, else quietly signed out (the
   * `?error=login_required` it brings is removed from the address). Protected routes skip it: their full login
   * passes without a page anyway when the provider has a session. `provider` defaults to the BFF's first.
   */
  silentSignIn?: boolean | { provider?: string };
}

/**
 * The page's session as a small external store (for `useSyncExternalStore`): loaded once however many
 * components and loaders ask, kept current by the BFF's event stream, other tabs' messages and a read on focus.
 * Only `load`, `refresh` and `staySignedIn` count as the user's activity; every background read passes
 * `slide=false`, so watching a session never keeps it alive.
 */
export interface SessionStore {
  getSnapshot(): SessionState;
  subscribe(listener: () => void): () => void;
  /**
   * The session, read once per page: later calls share the first answer until something changes it.
   * `protectedRoute`: the caller sends a signed-out visitor through the full login itself, so no silent sign-in
   * is tried on this page load.
   */
  load(options?: { protectedRoute?: boolean }): Promise<SessionInfo | null>;
  /** Reads the session again now (counts as activity). */
  refresh(): Promise<SessionInfo | null>;
  /** Slides the idle expiry at once and tells the other tabs. */
  staySignedIn(): Promise<void>;
  /** Ends the session at the BFF, tells the other tabs, and leaves for the provider's sign-out page. */
  signOut(): Promise<void>;
  /** A full-page trip through the login that comes back to `returnTo` (default: the current path). */
  signIn(provider?: string, options?: { returnTo?: string }): void;
  /**
   * A step-up: signs in again with the session's provider to meet `requirement` — a `StepUpRequiredError`, the
   * 401 `step_up_required` body, or `{acr, maxAge}` — and comes back to `returnTo` (default: the current path),
   * with the same session upgraded.
   */
  stepUp(requirement: StepUpRequirement, options?: { returnTo?: string }): void;
  /** The page learnt that its session is gone (a 401 somewhere). */
  signedOut(reason?: SessionEndReason | null): void;
  /** Starts watching (events, focus, tabs, expiry timers); answers the function that stops. */
  start(): () => void;
}

const INITIAL: SessionState = {
  status: 'loading',
  session: null,
  ended: null,
  error: null,
  expiryWarning: null,
};

/** After the end time, wait this long before asking the BFF, so that its own clock has passed it too. */
const END_GRACE_MS = 500;

export function createSessionStore(client: GatehouseClient, options: SessionStoreOptions = {}): SessionStore {
  const minInterval = options.minRefetchIntervalMs ?? 5_000;
  const navigate = options.navigate ?? ((url: string) => window.location.assign(url));
  const channelName =
    options.tabSync === false
      ? null
      : typeof options.tabSync === 'string'
        ? options.tabSync
        : 'gatehouse-session';
  const liveOptions = options.live === false ? null : options.live === true ? {} : (options.live ?? {});
  const silent = options.silentSignIn ? (options.silentSignIn === true ? {} : options.silentSignIn) : null;
  // Before any router reads the address: the answer to this tab's own silent attempt is no error to show.
  if (silent) quietLoginRequired();
  /** A protected route asked on this page load, or the first read is done: no silent attempt any more. */
  let silentSettled = !silent;

  let state = INITIAL;
  const listeners = new Set<() => void>();
  let pending: Promise<SessionInfo | null> | undefined;
  let lastRead = -Infinity;
  let running = 0;
  let live: LiveEvents | null = null;
  let channel: TabChannel | null = null;
  let warnTimer: ReturnType<typeof setTimeout> | undefined;
  let endTimer: ReturnType<typeof setTimeout> | undefined;

  function set(patch: Partial<SessionState>): void {
    state = { ...state, ...patch };
    for (const listener of [...listeners]) listener();
  }

  function clearTimers(): void {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
  }

  function scheduleExpiry(session: SessionInfo): void {
    clearTimers();
    if (!running) return;
    const plan = expiryPlan(session);
    const now = Date.now();
    const warning: ExpiryWarning = {
      endsAt: new Date(plan.endsAt).toISOString(),
      extendable: plan.extendable,
    };
    if (now >= plan.warnAt) {
      if (state.expiryWarning?.endsAt !== warning.endsAt) set({ expiryWarning: warning });
    } else {
      if (state.expiryWarning) set({ expiryWarning: null });
      warnTimer = setTimeout(() => set({ expiryWarning: warning }), plan.warnAt - now);
    }
    endTimer = setTimeout(checkEnded, Math.max(0, plan.endsAt - now) + END_GRACE_MS);
  }

  /** The end time passed: the BFF says whether the session is gone or was kept alive meanwhile. */
  function checkEnded(): void {
    client.getSession({ slide: false }).then(
      (session) => (session ? apply(session, 'read') : signedOut('expired')),
      () => {
        endTimer = setTimeout(checkEnded, minInterval);
      },
    );
  }

  function openLive(): void {
    if (live || !running || !liveOptions || typeof EventSource === 'undefined') return;
    live = openLiveEvents(
      client.eventsUrl,
      {
        onSession: (session) => apply(session, 'live'),
        onEnded: (reason) => signedOut(reason),
        onBroken: () => backgroundRead(),
      },
      liveOptions,
    );
  }

  function closeLive(): void {
    live?.close();
    live = null;
  }

  function apply(session: SessionInfo, source: 'read' | 'live' | 'tab'): void {
    const arrived = state.status !== 'authenticated';
    // Keep what an earlier answer said about the idle timeout (only some answers carry it).
    const idleTimeoutSeconds = session.idleTimeoutSeconds ?? state.session?.idleTimeoutSeconds;
    const next = idleTimeoutSeconds === undefined ? session : { ...session, idleTimeoutSeconds };
    pending = Promise.resolve(next);
    set({ status: 'authenticated', session: next, ended: null, error: null });
    scheduleExpiry(next);
    if (arrived) {
      openLive();
      if (source === 'read') channel?.post({ type: 'signed-in' });
    }
  }

  function signedOut(reason: SessionEndReason | null = null): void {
    pending = Promise.resolve(null);
    clearTimers();
    closeLive();
    if (state.status === 'unauthenticated' && state.session === null) {
      if (reason && !state.ended) set({ ended: reason });
      return;
    }
    set({ status: 'unauthenticated', session: null, expiryWarning: null, ended: reason });
  }

  function read(slide: boolean): Promise<SessionInfo | null> {
    lastRead = Date.now();
    const before = state.session;
    const request = client.getSession({ slide }).then(
      (session) => {
        if (!session && trySilentSignIn()) return null; // leaving the page: still `loading`
        silentSettled = true; // only the page's first read may lead to a silent attempt
        if (session) apply(session, 'read');
        // Gone after its end time: it expired; gone before it, the page cannot tell why.
        else signedOut(before && Date.now() >= expiryPlan(before).endsAt ? 'expired' : null);
        return session;
      },
      (error: unknown) => {
        silentSettled = true;
        if (pending === request) pending = undefined; // a failure is retried on the next load
        if (state.status === 'loading') {
          set({
            status: 'unauthenticated',
            error: error instanceof GatehouseError ? error : new GatehouseError(0, 'network', String(error)),
          });
        }
        throw error;
      },
    );
    return request;
  }

  /** On the page's first read without a session, once per tab: off to `prompt=none`, back to this page. */
  function trySilentSignIn(): boolean {
    if (silentSettled) return false;
    silentSettled = true;
    if (!claimSilentAttempt()) return false;
    navigate(client.loginUrl(silent?.provider, here(), { prompt: 'none' }));
    return true;
  }

  function here(): string {
    return `${window.location.pathname}${window.location.search}`;
  }

  /** A read that is not the user's activity, at most once per `minInterval`; failures keep what is shown. */
  function backgroundRead(): void {
    if (Date.now() - lastRead < minInterval) return;
    read(false).catch(() => {});
  }

  function onTabMessage(message: TabMessage): void {
    if (message.type === 'signed-out') {
      // A browser holding several accounts signs out of the active one only: ask before showing signed out.
      client.getSession({ slide: false }).then(
        (session) => (session ? apply(session, 'tab') : signedOut('signed_out')),
        () => signedOut('signed_out'),
      );
    } else if (message.type === 'signed-in') {
      if (state.status !== 'authenticated') read(false).catch(() => {});
    } else if (state.status === 'authenticated' && state.session?.user.sub === message.session.user.sub) {
      apply(message.session, 'tab');
    }
  }

  // Until the first read settles, it decides: signed out, or still `loading` while a silent attempt leaves.
  client.onSignedOut(() => {
    if (silentSettled) signedOut(null);
  });

  const onWake = () => {
    if (document.visibilityState !== 'hidden') backgroundRead();
  };

  const store: SessionStore = {
    getSnapshot: () => state,

    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    load({ protectedRoute = false } = {}) {
      if (protectedRoute) silentSettled = true;
      pending ??= read(true);
      return pending;
    },

    refresh() {
      pending = read(true);
      return pending;
    },

    async staySignedIn() {
      const session = await client.extendSession();
      apply(session, 'tab');
      channel?.post({ type: 'session', session });
    },

    async signOut() {
      const target = await client.logout();
      channel?.post({ type: 'signed-out' });
      signedOut('signed_out');
      navigate(target);
    },

    signIn(provider, { returnTo } = {}) {
      navigate(client.loginUrl(provider, returnTo ?? here()));
    },

    stepUp(requirement, { returnTo } = {}) {
      const { acr = null, maxAge = null } = requirement;
      if ((acr === null || acr.length === 0) && maxAge === null) {
        throw new TypeError('stepUp() needs an "acr" or a "maxAge" to ask for');
      }
      navigate(client.loginUrl(undefined, returnTo ?? here(), { acr, maxAge }));
    },

    signedOut,

    start() {
      running += 1;
      if (running === 1) {
        if (channelName) channel = openTabChannel(channelName, onTabMessage);
        if (options.refetchOnFocus !== false) {
          window.addEventListener('focus', onWake);
          window.addEventListener('online', onWake);
          document.addEventListener('visibilitychange', onWake);
        }
        if (state.session) {
          scheduleExpiry(state.session);
          openLive();
        }
        store.load().catch(() => {});
      }
      let stopped = false;
      return () => {
        if (stopped) return;
        stopped = true;
        running -= 1;
        if (running > 0) return;
        channel?.close();
        channel = null;
        window.removeEventListener('focus', onWake);
        window.removeEventListener('online', onWake);
        document.removeEventListener('visibilitychange', onWake);
        clearTimers();
        closeLive();
      };
    },
  };
  return store;
}
