import { Redis } from 'ioredis';
import type { Config } from '../config/env.ts';

/**
 * The connection the shared login rate limit counts on, when sessions are in Redis (`SESSION_STORE=redis`), or
 * null. A connection of its own: a slow limiter must never hold up the session store's commands.
 */
export function rateLimitRedis(config: Config, onError: (error: Error) => void): Redis | null {
  if (config.store.kind !== 'redis') return null;
  const redis = new Redis(config.store.redisUrl, {
    commandTimeout: config.store.redisCommandTimeoutMs,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
  });
  redis.on('error', onError);
  return redis;
}
