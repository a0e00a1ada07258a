import type { Config } from '../config/env.ts';
import { createRedisClient, type RedisClient } from '../store/redis-connection.ts';

/**
 * The connection the shared login rate limit counts on, when sessions are in Redis (`SESSION_STORE=redis`), or
 * null. A connection of its own: a slow limiter must never hold up the session store's commands.
 */
export function rateLimitRedis(config: Config, onError: (error: Error) => void): RedisClient | null {
  if (config.store.kind !== 'redis') return null;
  // The same topology (one server, Sentinel or Cluster) and outage behaviour as the session store.
  const redis = createRedisClient(config.store.redis, config.store.redisCommandTimeoutMs);
  redis.on('error', onError);
  return redis;
}
