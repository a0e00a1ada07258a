import type { SessionEvent, SessionEventBus } from './session-event.ts';

/** The subscribers of one process, by session key; `deliver` hands an event to those of its key. */
export class Subscribers {
  private readonly byKey = new Map<string, Set<(event: SessionEvent) => void>>();

  add(key: string, listener: (event: SessionEvent) => void): () => void {
    let listeners = this.byKey.get(key);
    if (!listeners) this.byKey.set(key, (listeners = new Set()));
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.byKey.get(key) === listeners) this.byKey.delete(key);
    };
  }

  deliver(key: string, event: SessionEvent): void {
    for (const listener of [...(this.byKey.get(key) ?? [])]) listener(event);
  }
}

/** One BFF process (memory and file stores): events never leave it. */
export function createLocalEventBus(): SessionEventBus {
  const subscribers = new Subscribers();
  return {
    publish: async (key, event) => subscribers.deliver(key, event),
    subscribe: (key, listener) => subscribers.add(key, listener),
    close: async () => {},
  };
}
