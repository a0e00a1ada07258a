import { z } from 'zod';

/**
 * Where the Redis store lives: one server (`REDIS_URL`), a Sentinel-watched master (`REDIS_SENTINELS`,
 * `REDIS_SENTINEL_NAME`) or a Cluster (`REDIS_CLUSTER_NODES`). One of the three, never a mix, so an operator
 * cannot believe a setting applies when another one wins.
 *
 * Credentials and TLS: a single server takes them from its URL (`rediss://user:password@host`), as before;
 * Sentinel and Cluster have no URL, so `REDIS_USERNAME`, `REDIS_PASSWORD` and `REDIS_TLS` say the same for every
 * node (and `REDIS_SENTINEL_PASSWORD` for the sentinels themselves, which often have none).
 */

export interface HostPort {
  host: string;
  port: number;
}

interface Credentials {
  username: string | undefined;
  password: string | undefined;
  tls: boolean;
}

export type RedisTopology =
  | { mode: 'standalone'; url: string; waitReplicas: number }
  | ({
      mode: 'sentinel';
      sentinels: HostPort[];
      name: string;
      sentinelPassword: string | undefined;
      /** Replicas that must acknowledge a write that must not be lost (`WAIT`), see decision 016. */
      waitReplicas: number;
    } & Credentials)
  | ({ mode: 'cluster'; nodes: HostPort[]; waitReplicas: 0 } & Credentials);

const HOST_PORT = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9_.-]+)):(\d{1,5})$/;

/** `host:port,host:port` (an IPv6 host in brackets), at least one, each port 1-65535. */
export const hostPortList = z.string().transform((value, ctx): HostPort[] => {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const parsed: HostPort[] = [];
  for (const entry of entries) {
    const match = HOST_PORT.exec(entry);
    const port = Number(match?.[3]);
    if (!match || !(port >= 1 && port <= 65535)) {
      ctx.addIssue({ code: 'custom', message: `"${entry}" is not host:port` });
      return z.NEVER;
    }
    parsed.push({ host: (match[1] ?? match[2])!, port });
  }
  if (parsed.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'needs at least one host:port' });
    return z.NEVER;
  }
  return parsed;
});

interface RedisEnv {
  REDIS_URL?: string | undefined;
  REDIS_SENTINELS?: HostPort[] | undefined;
  REDIS_SENTINEL_NAME: string;
  REDIS_SENTINEL_PASSWORD?: string | undefined;
  REDIS_CLUSTER_NODES?: HostPort[] | undefined;
  REDIS_USERNAME?: string | undefined;
  REDIS_PASSWORD?: string | undefined;
  REDIS_TLS?: boolean | undefined;
  REDIS_WAIT_REPLICAS?: number | undefined;
}

/** The topology the environment describes, or a message naming the variable that is wrong. */
export function redisTopology(e: RedisEnv, defaultUrl = 'redis://127.0.0.1:6379'): RedisTopology | string {
  const credentials: Credentials = {
    username: e.REDIS_USERNAME,
    password: e.REDIS_PASSWORD,
    tls: e.REDIS_TLS ?? false,
  };
  if (e.REDIS_SENTINELS && e.REDIS_CLUSTER_NODES) {
    return 'REDIS_CLUSTER_NODES: cannot be combined with REDIS_SENTINELS; set one of them';
  }
  const beyondOne = e.REDIS_SENTINELS
    ? 'REDIS_SENTINELS'
    : e.REDIS_CLUSTER_NODES
      ? 'REDIS_CLUSTER_NODES'
      : null;
  if (beyondOne && e.REDIS_URL) {
    return `REDIS_URL: cannot be combined with ${beyondOne}; credentials and TLS go in REDIS_USERNAME, REDIS_PASSWORD and REDIS_TLS`;
  }
  if (!beyondOne) {
    for (const name of [
      'REDIS_USERNAME',
      'REDIS_PASSWORD',
      'REDIS_TLS',
      'REDIS_SENTINEL_PASSWORD',
    ] as const) {
      if (e[name] !== undefined) {
        return `${name}: only used with REDIS_SENTINELS or REDIS_CLUSTER_NODES; a single server takes credentials and TLS from REDIS_URL`;
      }
    }
    return { mode: 'standalone', url: e.REDIS_URL ?? defaultUrl, waitReplicas: e.REDIS_WAIT_REPLICAS ?? 0 };
  }
  if (e.REDIS_SENTINELS) {
    return {
      mode: 'sentinel',
      sentinels: e.REDIS_SENTINELS,
      name: e.REDIS_SENTINEL_NAME,
      sentinelPassword: e.REDIS_SENTINEL_PASSWORD,
      waitReplicas: e.REDIS_WAIT_REPLICAS ?? 1,
      ...credentials,
    };
  }
  if (e.REDIS_WAIT_REPLICAS) {
    // WAIT has no key, so a Cluster client cannot route it to the master that took the write.
    return 'REDIS_WAIT_REPLICAS: not supported with REDIS_CLUSTER_NODES (WAIT cannot be routed to a slot)';
  }
  if (e.REDIS_SENTINEL_PASSWORD !== undefined) {
    return 'REDIS_SENTINEL_PASSWORD: only used with REDIS_SENTINELS';
  }
  return { mode: 'cluster', nodes: e.REDIS_CLUSTER_NODES!, waitReplicas: 0, ...credentials };
}
