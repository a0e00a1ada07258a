import { randomUUID } from 'node:crypto';
import { Cluster } from 'ioredis';
import type { RedisClient } from '../store/redis-connection.ts';
import { Subscribers } from './local-event-bus.ts';
import type { SessionEvent, SessionEventBus } from './session-event.ts';

export interface RedisEventBusOptions {
  /** A connection for PUBLISH (the session store's own is fine); a duplicate of it subscribes. */
  client: RedisClient;
  /** The one channel every replica of this deployment shares, e.g. `gatehouse:session-events`. */
  channel: string;
  /** Publish and connection problems (logged by the caller). */
  onError?: (error: Error) => void;
}

interface Envelope {
  /** The publishing replica: it delivered locally already, and skips its own echo. */
  o: string;
  k: string;
  e: SessionEvent;
}

/**
 * Session events across replicas over Redis pub/sub: one channel, one subscriber connection per replica, and
 * local delivery by key. The publisher delivers to its own streams at once (even with Redis down), and every
 * other replica through the channel. Pub/sub is fire-and-forget: a replica that is disconnected at that moment
 * misses the event; its streams still end by their own expiry check, and the browser's read on reconnect.
 */
export interface RedisEventBus extends SessionEventBus {
  /** Settles once this replica listens on the channel. */
  readonly ready: Promise<void>;
}

export function createRedisEventBus({ client, channel, onError }: RedisEventBusOptions): RedisEventBus {
  const origin = randomUUID();
  const subscribers = new Subscribers();
  // A subscriber may wait for its connection; the store's own fails fast. A Cluster's duplicate takes its seed
  // nodes first (none: the same), and PUBLISH on any node reaches the subscribers of every node.
  const subscribing = { lazyConnect: false, enableOfflineQueue: true };
  const subscriber =
    client instanceof Cluster ? client.duplicate(undefined, subscribing) : client.duplicate(subscribing);
  subscriber.on('error', (error: Error) => onError?.(error));
  subscriber.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    let envelope: Envelope;
    try {
      envelope = JSON.parse(message) as Envelope;
    } catch {
      return;
    }
    if (envelope.o === origin || typeof envelope.k !== 'string') return;
    subscribers.deliver(envelope.k, envelope.e);
  });
  const ready = subscriber.subscribe(channel).then(
    () => {},
    (error: unknown) => onError?.(error as Error),
  );

  return {
    ready,
    async publish(key, event) {
      subscribers.deliver(key, event);
      const envelope: Envelope = { o: origin, k: key, e: event };
      try {
        await client.publish(channel, JSON.stringify(envelope));
      } catch (error) {
        onError?.(error as Error);
      }
    },
    subscribe: (key, listener) => subscribers.add(key, listener),
    async close() {
      await ready;
      subscriber.disconnect();
    },
  };
}
