import type { SessionInfo } from '@gatehouse/shared';

/** What one tab tells the others of the same browser (same origin). */
export type TabMessage =
  | { type: 'signed-in' }
  | { type: 'signed-out' }
  /** "Stay signed in" moved the idle expiry. */
  | { type: 'session'; session: SessionInfo };

export interface TabChannel {
  post(message: TabMessage): void;
  close(): void;
}

/** A BroadcastChannel where the browser has one; otherwise tabs only learn through the BFF's event stream. */
export function openTabChannel(name: string, onMessage: (message: TabMessage) => void): TabChannel {
  if (typeof BroadcastChannel === 'undefined') return { post: () => {}, close: () => {} };
  const channel = new BroadcastChannel(name);
  channel.onmessage = (event: MessageEvent<unknown>) => {
    const data = event.data as Partial<TabMessage> | null;
    if (data && (data.type === 'signed-in' || data.type === 'signed-out' || data.type === 'session')) {
      onMessage(data as TabMessage);
    }
  };
  return { post: (message) => channel.postMessage(message), close: () => channel.close() };
}
