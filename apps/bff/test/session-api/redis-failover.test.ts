import { performance } from 'node:perf_hooks';
import { afterAll, describe, expect, it } from 'vitest';
import type { RedisTopology } from '../../src/config/redis-topology.ts';
import { newSessionIdFor, storeKeyFor } from '../../src/session/keys.ts';
import { createRedisStore } from '../../src/store/redis-store.ts';
import { csrfHeaders, startHarness, type Harness } from '../support/harness.ts';
import { sleep, stop, stopAllRedis, until } from '../support/redis-server.ts';
import { on, restart, startCluster, startSentinelSet } from '../support/redis-topology.ts';
import type { RedisCluster, SentinelSet } from '../support/redis-topology.ts';
import { storedSession } from '../support/sessions.ts';

/**
 * The BFF over real Redis servers that fail: a Sentinel master killed (SIGKILL) under load, and a Cluster master
 * stopped and restarted. What a browser sees: 200 or 503 and nothing else, sessions made before the failure
 * still there after it, and recovery without a restart. Ports 24300-24312. The times are printed (the issue
 * asks for them); the assertions are about behaviour, with generous limits only so a broken recovery fails.
 */
const COOKIE = '__Host-gatehouse';
let sentinelSet: SentinelSet | undefined;
let cluster: RedisCluster | undefined;
const harnesses: Harness[] = [];

afterAll(async () => {
  for (const h of harnesses) await h.close().catch(() => undefined);
  await sentinelSet?.stop().catch(() => undefined);
  await cluster?.stop().catch(() => undefined);
  await stopAllRedis();
}, 30_000);

async function bffOver(topology: RedisTopology, keyPrefix: string): Promise<Harness> {
  const h = await startHarness({
    env: { SESSION_STORE: 'redis' },
    store: (clock) =>
      createRedisStore({
        topology,
        waitReplicas: topology.waitReplicas,
        clock: clock.now,
        keyPrefix,
        commandTimeoutMs: 1000,
      }),
  });
  harnesses.push(h);
  await until(
    () => h.deps.store.ping(),
    () => true,
    10_000,
  );
  return h;
}

/** A session written straight into the BFF's store, as a sign-in writes it; answers its cookie value. */
async function seed(h: Harness, sub: string): Promise<string> {
  const id = newSessionIdFor('dev', sub);
  await h.deps.store.set(
    storeKeyFor(id),
    storedSession(h.clock.now(), { user: { sub, name: sub, email: null, picture: null }, sid: `sid-${sub}` }),
  );
  return id;
}

async function sessionStatus(h: Harness, id: string): Promise<number> {
  const response = await h.request('/api/session', {
    headers: { ...csrfHeaders, cookie: `${COOKIE}=${id}` },
  });
  await response.arrayBuffer();
  return response.status;
}

/**
 * The status once a 503 has had 5 s to clear: on a machine this loaded a command may time out now and then, which
 * is a 503, not a lost session. A lost session answers 401.
 */
async function settledStatus(h: Harness, id: string): Promise<number> {
  let status = 503;
  await until(
    async () => (status = await sessionStatus(h, id)),
    (s) => s !== 503,
    5000,
  ).catch(() => undefined);
  return status;
}

/** Seeds through the BFF's own store, retrying a write the loaded machine timed out. */
async function seeded(h: Harness, sub: string): Promise<string> {
  let id = '';
  await until(async () => (id = await seed(h, sub)), Boolean, 10_000);
  return id;
}

describe('Sentinel: the master killed under load', () => {
  it('answers only 200 or 503, follows the failover by itself, and loses no session created before', async () => {
    sentinelSet = await startSentinelSet(24300);
    const topology = sentinelSet.topology;
    const h = await bffOver(topology, 'failover:');
    const established: string[] = [];
    for (let i = 0; i < 20; i++) established.push(await seeded(h, `user-${i}`));

    const answers: Array<{ start: number; end: number; status: number }> = [];
    const created: Array<{ id: string; at: number }> = [];
    let creationFailures = 0;
    let running = true;
    const reader = async (): Promise<void> => {
      for (let i = 0; running; i++) {
        const start = performance.now();
        let status: number;
        try {
          status = await sessionStatus(h, established[i % established.length]!);
        } catch {
          status = -1; // no HTTP answer at all
        }
        answers.push({ start, end: performance.now(), status });
      }
    };
    const creator = async (): Promise<void> => {
      for (let i = 0; running; i++) {
        try {
          const id = await seed(h, `new-${i}`);
          created.push({ id, at: performance.now() });
        } catch {
          creationFailures++;
        }
        await sleep(50);
      }
    };
    const load = [reader(), reader(), reader(), reader(), creator()];

    await sleep(1500);
    const master = await sentinelSet.currentMaster();
    const victim = master === sentinelSet.master.port ? sentinelSet.master : sentinelSet.replica;
    const killedAt = performance.now();
    await stop(victim.child, 'SIGKILL');
    const recovered = await until(
      async () => answers.some((a) => a.start > killedAt && a.status === 200),
      Boolean,
      20_000,
    );
    await sleep(1000);
    running = false;
    await Promise.all(load);

    const after = answers.filter((a) => a.start > killedAt);
    const firstSuccess = after.find((a) => a.status === 200)!;
    const others = answers.filter((a) => a.status !== 200 && a.status !== 503);
    const before = created.filter((c) => c.at < killedAt - 1000);
    const lost: string[] = [];
    for (const c of created) if ((await settledStatus(h, c.id)) !== 200) lost.push(c.id);
    const lostBefore = before.filter((c) => lost.includes(c.id));
    console.log(
      `sentinel failover: first 200 ${Math.round(firstSuccess.end - killedAt)} ms after SIGKILL ` +
        `(recovery seen after ${Math.round(recovered)} ms); ${answers.length} answers, ` +
        `${answers.filter((a) => a.status === 503).length} × 503, ${others.length} other; ` +
        `new master on ${await sentinelSet.currentMaster()} (was ${master}); ` +
        `sessions created: ${created.length} (${before.length} more than 1 s before the kill), lost ${lost.length}` +
        ` (${lostBefore.length} of those); creations refused: ${creationFailures}`,
    );
    expect(others).toEqual([]);
    expect(lostBefore).toEqual([]);
    expect(before.length).toBeGreaterThan(5);
    expect(await sentinelSet.currentMaster()).not.toBe(master);
    // The sessions made before the load are still there, read through the new master.
    for (const id of established) expect(await settledStatus(h, id)).toBe(200);
  }, 60_000);
});

describe('Cluster: one of three masters stopped and restarted', () => {
  it('answers 503 for the sessions on it, 200 for the others, and all of them again once it is back', async () => {
    cluster = await startCluster(24310);
    const topology = cluster.topology;
    const h = await bffOver(topology, 'cluster-loss:');
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push(await seeded(h, `user-${i}`));
    const holder = new Map<string, number>();
    for (const id of ids) {
      for (const m of cluster.masters) {
        const keys = await on(m.port, (c) => c.keys(`cluster-loss:s:*${storeKeyFor(id)}`));
        if (keys.length > 0) holder.set(id, m.port);
      }
    }
    const spread = cluster.masters.map((m) => ids.filter((id) => holder.get(id) === m.port).length);
    console.log(`cluster: 30 sessions over three masters: ${spread.join(' / ')}`);
    expect(spread.every((n) => n > 0)).toBe(true);
    for (const id of ids) expect(await settledStatus(h, id)).toBe(200);

    const lostNode = cluster.masters[1]!;
    const onLost = ids.filter((id) => holder.get(id) === lostNode.port);
    const elsewhere = ids.filter((id) => holder.get(id) !== lostNode.port);
    const stoppedAt = performance.now();
    await stop(lostNode.child, 'SIGTERM');

    const statuses = new Map<string, number>();
    for (const id of ids) {
      statuses.set(
        id,
        holder.get(id) === lostNode.port ? await sessionStatus(h, id) : await settledStatus(h, id),
      );
    }
    expect([...statuses.values()].filter((s) => s !== 200 && s !== 503)).toEqual([]);
    for (const id of onLost) expect(statuses.get(id)).toBe(503);
    for (const id of elsewhere) expect(statuses.get(id)).toBe(200);
    console.log(
      `cluster: master ${lostNode.port} stopped: ${onLost.length} sessions 503, ${elsewhere.length} 200`,
    );

    const restartedAt = performance.now();
    await restart(lostNode, cluster.dir);
    const back = await until(
      async () => {
        for (const id of onLost) if ((await sessionStatus(h, id)) !== 200) return false;
        return true;
      },
      Boolean,
      20_000,
    );
    console.log(
      `cluster: master back ${Math.round(restartedAt - stoppedAt)} ms after the stop; its sessions answer 200 ` +
        `${Math.round(back)} ms after the restart`,
    );
    for (const id of ids) expect(await settledStatus(h, id)).toBe(200);
  }, 90_000);
});
