import type { SessionEndReason, SessionInfo } from '@gatehouse/shared';
import { isSessionEnded, isSessionInfo } from './guards.ts';

export interface LiveEventHandlers {
  onSession(session: SessionInfo): void;
  onEnded(reason: SessionEndReason): void;
  /** The stream broke or was refused: the caller checks the session before `reconnect` is tried. */
  onBroken(): void;
}

export interface LiveEvents {
  close(): void;
}

export interface LiveEventsOptions {
  /** First reconnect delay (default 1 s), doubled on every failure up to `maxDelayMs` (default 30 s). */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * `GET /api/session/events` through an `EventSource` with credentials. The browser's own retry is replaced by
 * ours: every break closes the source, tells the caller, and reopens after a growing, jittered delay, so a
 * thousand tabs do not come back to a restarted BFF in the same second.
 */
export function openLiveEvents(
  url: string,
  handlers: LiveEventHandlers,
  options: LiveEventsOptions = {},
): LiveEvents {
  const initial = options.initialDelayMs ?? 1_000;
  const max = options.maxDelayMs ?? 30_000;
  let failures = 0;
  let source: EventSource | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  function parse(event: MessageEvent<string>): unknown {
    try {
      return JSON.parse(event.data);
    } catch {
      return undefined;
    }
  }

  function connect(): void {
    if (closed) return;
    const current = new EventSource(url, { withCredentials: true });
    source = current;
    current.onopen = () => {
      failures = 0;
    };
    current.addEventListener('session', (event) => {
      const data = parse(event);
      if (isSessionInfo(data)) handlers.onSession(data);
    });
    current.addEventListener('ended', (event) => {
      const data = parse(event);
      if (!isSessionEnded(data)) return;
      closed = true;
      current.close();
      handlers.onEnded(data.reason);
    });
    current.onerror = () => {
      current.close();
      if (closed || source !== current) return;
      source = null;
      const delay = Math.min(max, initial * 2 ** failures) * (0.75 + Math.random() * 0.5);
      failures += 1;
      timer = setTimeout(connect, delay);
      handlers.onBroken();
    };
  }

  connect();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      source?.close();
      source = null;
    },
  };
}
