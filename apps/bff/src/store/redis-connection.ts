import { Cluster, Redis } from 'ioredis';
import type { ClusterOptions, RedisOptions } from 'ioredis';
import type { RedisTopology } from '../config/redis-topology.ts';

/**
 * The ioredis client for a Redis topology, with the store's outage behaviour on every kind: no offline queue
 * (a command while disconnected fails at once instead of piling up), a timeout on every command, no resending
 * of a command the caller was told failed, and reconnection forever with capped back-off.
 *
 * - standalone: one `Redis` from the URL.
 * - sentinel: a `Redis` that asks the sentinels for the current master, checks that it is one (`role`), and on a
 *   lost connection or a `+switch-master` (`failoverDetector`) asks again — so it follows a failover by itself.
 * - cluster: a `Cluster` that learns the slot map from the seed nodes, follows `MOVED`/`ASK`, and refreshes the
 *   map when a node is lost.
 */

export type RedisClient = Redis | Cluster;

/** Capped reconnection back-off: 100 ms, 200 ms, ... then every second, forever. */
export const redisRetryStrategy = (attempt: number): number => Math.min(attempt * 100, 1000);

export function redisClientOptions(commandTimeoutMs: number): RedisOptions {
  return {
    lazyConnect: false,
    enableOfflineQueue: false,
    commandTimeout: commandTimeoutMs,
    maxRetriesPerRequest: 1,
    // A command the caller was told failed must not run later, on reconnection.
    autoResendUnfulfilledCommands: false,
    retryStrategy: redisRetryStrategy,
    connectTimeout: Math.max(1000, commandTimeoutMs * 4),
  };
}

export function createRedisClient(topology: RedisTopology, commandTimeoutMs: number): RedisClient {
  const base = redisClientOptions(commandTimeoutMs);
  switch (topology.mode) {
    case 'standalone':
      return new Redis(topology.url, base);
    case 'sentinel':
      return new Redis({
        ...base,
        sentinels: topology.sentinels,
        name: topology.name,
        role: 'master',
        username: topology.username,
        password: topology.password,
        sentinelPassword: topology.sentinelPassword,
        ...(topology.tls ? { tls: {}, sentinelTLS: {}, enableTLSForSentinelMode: true } : {}),
        sentinelRetryStrategy: redisRetryStrategy,
        sentinelCommandTimeout: commandTimeoutMs,
        // Reconnect as soon as a sentinel announces a new master, not when the old one finally times out.
        failoverDetector: true,
      });
    case 'cluster': {
      const { retryStrategy: _perNode, enableOfflineQueue: _queue, ...perNode } = base;
      const options: ClusterOptions = {
        enableOfflineQueue: false,
        clusterRetryStrategy: redisRetryStrategy,
        // Every command goes to the master of its slot: a replica may lag behind a revocation.
        scaleReads: 'master',
        maxRedirections: 16,
        retryDelayOnMoved: 0,
        retryDelayOnFailover: 100,
        retryDelayOnClusterDown: 100,
        slotsRefreshTimeout: Math.max(1000, commandTimeoutMs * 2),
        slotsRefreshInterval: 5000,
        redisOptions: {
          ...perNode,
          username: topology.username,
          password: topology.password,
          ...(topology.tls ? { tls: {} } : {}),
        },
      };
      return new Cluster(topology.nodes, options);
    }
  }
}
