import type { Logger } from 'pino';
import type { Config } from '../config/env.ts';
import { createFileStore } from './file-store.ts';
import { createMemoryStore } from './memory-store.ts';
import { createRedisStore } from './redis-store.ts';
import type { Clock } from '../clock.ts';
import type { SessionStore } from './store.ts';

/** The store `SESSION_STORE` names. */
export function createStore(config: Config, clock: Clock, logger: Logger): SessionStore {
  switch (config.store.kind) {
    case 'memory':
      logger.warn('memory session store: sessions are lost on restart and not shared between replicas');
      return createMemoryStore({ clock });
    case 'file':
      return createFileStore({ path: config.store.file, clock });
    case 'redis':
      return createRedisStore({
        topology: config.store.redis,
        waitReplicas: config.store.redis.waitReplicas,
        clock,
        keyPrefix: config.store.redisKeyPrefix,
        commandTimeoutMs: config.store.redisCommandTimeoutMs,
        onError: (error: Error) => logger.warn({ errorMessage: error.message }, 'redis connection problem'),
      });
  }
}
