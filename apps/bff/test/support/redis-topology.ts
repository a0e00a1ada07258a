import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import type { HostPort, RedisTopology } from '../../src/config/redis-topology.ts';
import { children, sleep, stop, stopAllRedis } from './redis-server.ts';

/**
 * A Cluster node's bus port is its port + this. Redis's default (+10000) puts the bus of a node on 24xxx into the
 * kernel's ephemeral range (32768-60999), where an outgoing connection of a busy test run can hold the port and
 * the node then fails to start; +1000 keeps every bus port below that range.
 */
export const CLUSTER_BUS_OFFSET = 1000;

/**
 * Real Redis topologies for tests, on fixed ports of the caller's range (a Cluster's bus is port +
 * CLUSTER_BUS_OFFSET, so the ports just above the range must be free too): a Sentinel set (master, replica, three sentinels) and a
 * Cluster of three masters. Every server runs in a temp dir of its own and is a child of the test process;
 * `stop()` kills them all and removes the dirs.
 */

const run = promisify(execFile);

export interface RedisNode {
  port: number;
  child: ChildProcess;
  args: string[];
}

function launch(args: string[], cwd: string): ChildProcess {
  const child = spawn('redis-server', args, { stdio: 'ignore', cwd });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

async function admin(port: number): Promise<Redis> {
  const client = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 1000,
  });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** Runs `command` on the server at `port` with a short-lived connection. */
export async function on<T>(port: number, command: (client: Redis) => Promise<T>): Promise<T> {
  const client = await admin(port);
  try {
    return await command(client);
  } finally {
    client.disconnect();
  }
}

/** Deletes every key under `prefix` on one node, key by key (a Cluster node refuses a DEL across slots). */
export async function deleteUnderOn(port: number, prefix: string): Promise<void> {
  await on(port, async (c) => {
    const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    let cursor = '0';
    do {
      const [next, batch] = await c.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (batch.length > 0) await Promise.all(batch.map((key) => c.del(key)));
      cursor = next;
    } while (cursor !== '0');
  });
}

async function waitFor(what: string, check: () => Promise<boolean>, limitMs = 15_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`Redis topology: ${what} not reached in ${limitMs} ms`);
    await sleep(50);
  }
}

const COMMON = ['--bind', '127.0.0.1', '--save', '', '--loglevel', 'warning'];

async function startNode(dir: string, port: number, extra: string[]): Promise<RedisNode> {
  const args = ['--port', String(port), ...COMMON, '--dir', dir, ...extra];
  const node = { port, args, child: launch(args, dir) };
  await waitFor(`redis-server on ${port}`, () => on(port, async (c) => (await c.ping()) === 'PONG'));
  return node;
}

/** Restarts a stopped node with the same arguments (and the same dir, so it keeps its AOF and cluster config). */
export async function restart(node: RedisNode, dir: string): Promise<void> {
  node.child = launch(node.args, dir);
  await waitFor(`redis-server on ${node.port}`, () =>
    on(node.port, async (c) => (await c.ping()) === 'PONG'),
  );
}

/** What a test needs of a running topology. */
interface Running {
  /** The store's view of it (the sentinel one waits for one replica). */
  topology: RedisTopology;
  hosts: HostPort[];
  /** Ports of the servers that hold data now (the current master, or every cluster master). */
  dataPorts(): Promise<number[]>;
  /** Deletes every key under `prefix`. */
  deleteUnder(prefix: string): Promise<void>;
  stop(): Promise<void>;
}

function running(
  topology: RedisTopology,
  hosts: HostPort[],
  dataPorts: () => Promise<number[]>,
  stopAll: () => Promise<void>,
): Running {
  return {
    topology,
    hosts,
    dataPorts,
    deleteUnder: async (prefix) => {
      for (const port of await dataPorts()) await deleteUnderOn(port, prefix);
    },
    stop: stopAll,
  };
}

export interface SentinelSet extends Running {
  dir: string;
  master: RedisNode;
  replica: RedisNode;
  sentinels: RedisNode[];
  /** `REDIS_SENTINELS` for this set. */
  env: string;
  /** The port of the master the sentinels currently name. */
  currentMaster(): Promise<number>;
}

/** Ports base .. base+4: master, replica, three sentinels (quorum 2, a master is down after 1 s). */
export async function startSentinelSet(base: number, name = 'mymaster'): Promise<SentinelSet> {
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-sentinel-'));
  const master = await startNode(dir, base, []);
  const replica = await startNode(dir, base + 1, ['--replicaof', '127.0.0.1', String(base)]);
  await waitFor('replica in sync', () =>
    on(base, async (c) => /slave0:.*state=online/.test(await c.info('replication'))),
  );
  const sentinels: RedisNode[] = [];
  for (let i = 0; i < 3; i++) {
    const port = base + 2 + i;
    const file = join(dir, `sentinel-${port}.conf`);
    await writeFile(
      file,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${name} 127.0.0.1 ${base} 2`,
        `sentinel down-after-milliseconds ${name} 1000`,
        `sentinel failover-timeout ${name} 3000`,
        `sentinel parallel-syncs ${name} 1`,
        '',
      ].join('\n'),
    );
    const args = [file, '--sentinel', '--loglevel', 'warning'];
    sentinels.push({ port, args, child: launch(args, dir) });
  }
  for (const sentinel of sentinels) {
    await waitFor(`sentinel on ${sentinel.port} sees the replica and its peers`, () =>
      on(sentinel.port, async (c) => {
        const replicas = (await c.call('SENTINEL', 'REPLICAS', name)) as unknown[];
        const peers = (await c.call('SENTINEL', 'SENTINELS', name)) as unknown[];
        return replicas.length === 1 && peers.length === 2;
      }),
    );
  }
  const hosts = sentinels.map((s) => ({ host: '127.0.0.1', port: s.port }));
  const currentMaster = (): Promise<number> =>
    on(sentinels[0]!.port, async (c) => {
      const [, port] = (await c.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name)) as [string, string];
      return Number(port);
    });
  const topology: RedisTopology = {
    mode: 'sentinel',
    sentinels: hosts,
    name,
    sentinelPassword: undefined,
    username: undefined,
    password: undefined,
    tls: false,
    waitReplicas: 1,
  };
  return {
    ...running(
      topology,
      hosts,
      async () => [await currentMaster()],
      async () => {
        await Promise.all([master, replica, ...sentinels].map((n) => stop(n.child, 'SIGKILL')));
        await rm(dir, { recursive: true, force: true });
      },
    ),
    dir,
    master,
    replica,
    sentinels,
    env: hosts.map((h) => `${h.host}:${h.port}`).join(','),
    currentMaster,
  };
}

export interface RedisCluster extends Running {
  dir: string;
  masters: RedisNode[];
  /** `REDIS_CLUSTER_NODES` for this cluster. */
  env: string;
}

async function clusterOk(port: number): Promise<boolean> {
  return on(port, async (c) => /cluster_state:ok/.test((await c.call('CLUSTER', 'INFO')) as string));
}

/**
 * Three masters on base .. base+2, no replicas. A lost master makes only its own slots fail
 * (`cluster-require-full-coverage no`, as decision 016 asks of operators), and an AOF lets a stopped one come
 * back with its data.
 */
export async function startCluster(base: number): Promise<RedisCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-cluster-'));
  const masters: RedisNode[] = [];
  for (let i = 0; i < 3; i++) {
    const port = base + i;
    masters.push(
      await startNode(dir, port, [
        '--cluster-enabled',
        'yes',
        '--cluster-port',
        String(port + CLUSTER_BUS_OFFSET),
        '--cluster-config-file',
        `nodes-${port}.conf`,
        '--cluster-node-timeout',
        '1000',
        '--cluster-require-full-coverage',
        'no',
        '--appendonly',
        'yes',
        '--appendfilename',
        `appendonly-${port}.aof`,
        '--appenddirname',
        `aof-${port}`,
      ]),
    );
  }
  const hosts = masters.map((m) => ({ host: '127.0.0.1', port: m.port }));
  await run(
    'redis-cli',
    [
      '--cluster',
      'create',
      ...hosts.map((h) => `${h.host}:${h.port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ],
    { timeout: 20_000 },
  );
  for (const m of masters) await waitFor(`cluster ok on ${m.port}`, () => clusterOk(m.port));
  const topology: RedisTopology = {
    mode: 'cluster',
    nodes: hosts,
    username: undefined,
    password: undefined,
    tls: false,
    waitReplicas: 0,
  };
  return {
    ...running(
      topology,
      hosts,
      async () => masters.map((m) => m.port),
      async () => {
        await Promise.all(masters.map((n) => stop(n.child, 'SIGKILL')));
        await rm(dir, { recursive: true, force: true });
      },
    ),
    dir,
    masters,
    env: hosts.map((h) => `${h.host}:${h.port}`).join(','),
  };
}

/** Waits until every master of the cluster reports `cluster_state:ok` again. */
export async function clusterHealthy(cluster: RedisCluster, limitMs = 15_000): Promise<void> {
  for (const m of cluster.masters) await waitFor(`cluster ok on ${m.port}`, () => clusterOk(m.port), limitMs);
}

/**
 * The Sentinel set (ports base .. base+4) and the Cluster (base+10 .. base+12) a test file uses, each started on
 * first use; `stop()` belongs in the file's `afterAll`.
 */
export function topologiesOn(base: number): {
  sentinels(): Promise<SentinelSet>;
  cluster(): Promise<RedisCluster>;
  stop(): Promise<void>;
} {
  let sentinelSet: Promise<SentinelSet> | undefined;
  let cluster: Promise<RedisCluster> | undefined;
  return {
    sentinels: () => (sentinelSet ??= startSentinelSet(base)),
    cluster: () => (cluster ??= startCluster(base + 10)),
    stop: async () => {
      await Promise.all([
        sentinelSet?.then((s) => s.stop()).catch(() => undefined),
        cluster?.then((c) => c.stop()).catch(() => undefined),
      ]);
      await stopAllRedis();
    },
  };
}
