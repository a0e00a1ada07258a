import type { Logger } from 'pino';
import type { Config } from '../config/env.ts';
import type { SessionStore } from '../store/store.ts';
import type { RedisStore } from '../store/redis-store.ts';
import { createLocalEventBus } from './local-event-bus.ts';
import { createRedisEventBus } from './redis-event-bus.ts';
import type { SessionEventBus } from './session-event.ts';

/** Across replicas over Redis pub/sub when sessions live in Redis; within the process otherwise. */
export function createEventBus(config: Config, store: SessionStore, logger: Logger): SessionEventBus {
  if (store.kind !== 'redis') return createLocalEventBus();
  return createRedisEventBus({
    client: (store as RedisStore).client,
    channel: `${config.store.redisKeyPrefix}session-events`,
    onError: (error) => logger.warn({ errorMessage: error.message }, 'session events: redis problem'),
  });
}
