import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newSessionId, storeKeyFor } from '../../src/session/keys.ts';
import { createRedisStore } from '../../src/store/redis-store.ts';
import type { RedisStore } from '../../src/store/redis-store.ts';
import { StoreUnavailableError } from '../../src/store/store.ts';
import type { StoredSession } from '../../src/store/store.ts';
import { sleep, sparePort, startRedis, stop, stopAllRedis, timed, until } from '../support/redis-server.ts';
import { storedSession } from '../support/sessions.ts';

/**
 * A private redis-server per test, made unreachable on purpose: frozen with SIGSTOP (the TCP connection stays up
 * but nothing answers — the worst case, a hung server or a black-holed network) and stopped for real with
 * SIGTERM then restarted on the same port. The store must fail fast with StoreUnavailableError, never hang,
 * never emit an unhandled error, and work again by itself once Redis is back.
 */

const FAIL_FAST_BOUND_MS = 2_000; // generous: the store is configured with a 500 ms command timeout
afterAll(async () => {
  // Even when a test failed half-way (with its server frozen), no redis-server outlives the run.
  await stopAllRedis();
});

describe('redis store: outage and recovery', () => {
  let port: number;
  let server: ChildProcess;
  let store: RedisStore;
  const connectionErrors: Error[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };

  const session = (): StoredSession => storedSession(Date.now(), { sid: null, userAgent: null });

  beforeEach(async () => {
    connectionErrors.length = 0;
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
    process.on('uncaughtException', onUnhandled);
    port = await sparePort();
    server = await startRedis(port);
    store = createRedisStore({
      url: `redis://127.0.0.1:${port}`,
      clock: Date.now,
      keyPrefix: 'outage:',
      commandTimeoutMs: 500,
      onError: (error) => connectionErrors.push(error),
    });
  });

  afterEach(async () => {
    await store?.close();
    await stop(server, 'SIGKILL');
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onUnhandled);
  });

  it('fails fast while Redis does not answer (SIGSTOP), then the same store reads the session again', async () => {
    const key = storeKeyFor(newSessionId());
    const value = session();
    await store.set(key, value);
    expect(await store.get(key)).toEqual(value);

    server.kill('SIGSTOP');
    try {
      const get = await timed(store.get(key));
      console.log(`redis outage: failed in ${Math.round(get.ms)} ms`);
      expect(get.error).toBeInstanceOf(StoreUnavailableError);
      expect(get.ms).toBeLessThan(FAIL_FAST_BOUND_MS);

      const ping = await timed(store.ping());
      console.log(`redis outage: ping failed in ${Math.round(ping.ms)} ms`);
      expect(ping.error).toBeInstanceOf(StoreUnavailableError);
      expect(ping.ms).toBeLessThan(FAIL_FAST_BOUND_MS);

      // A burst of requests during the outage: all fail, none hangs.
      const burst = await timed(
        Promise.allSettled([
          ...Array.from({ length: 20 }, () => store.get(key)),
          store.touch(key, { lastSeenAt: Date.now(), idleExpiresAt: Date.now() + 60_000 }),
          store.listByUser('dev', 'alice'),
          store.takeTransaction('t'),
        ]),
      );
      expect(
        burst.value!.every((r) => r.status === 'rejected' && r.reason instanceof StoreUnavailableError),
      ).toBe(true);
      expect(burst.ms).toBeLessThan(FAIL_FAST_BOUND_MS);
    } finally {
      server.kill('SIGCONT');
    }

    const recoveredIn = await until(
      () => store.get(key),
      (found) => found !== null && found.user.sub === 'alice',
      10_000,
    );
    console.log(`redis outage: recovered in ${Math.round(recoveredIn)} ms`);
    // A command that timed out had already been written to the socket: the frozen server may still run it when
    // it wakes (here the touch of the burst, which is harmless). So the idle fields may have moved.
    const { idleExpiresAt: _idle, lastSeenAt: _last, ...stable } = value;
    expect(await store.get(key)).toMatchObject(stable);
    await expect(store.ping()).resolves.toBeUndefined();
    expect(unhandled).toEqual([]);
  }, 30_000);

  it('reconnects by itself after Redis is stopped (SIGTERM) and restarted on the same port', async () => {
    await store.ping();
    await stop(server, 'SIGTERM');

    const down = await timed(store.get(storeKeyFor(newSessionId())));
    console.log(`redis stopped: failed in ${Math.round(down.ms)} ms`);
    expect(down.error).toBeInstanceOf(StoreUnavailableError);
    expect(down.ms).toBeLessThan(FAIL_FAST_BOUND_MS);
    const ping = await timed(store.ping());
    expect(ping.error).toBeInstanceOf(StoreUnavailableError);
    expect(ping.ms).toBeLessThan(FAIL_FAST_BOUND_MS);

    await sleep(1_500); // stay down through a few reconnection attempts
    server = await startRedis(port);
    const reconnectedIn = await until(
      () => store.ping().then(() => true),
      (ok) => ok,
      10_000,
    );
    console.log(`redis restarted: store reconnected in ${Math.round(reconnectedIn)} ms`);

    // The data went with the old process (--save ""); the store works again all the same.
    const key = storeKeyFor(newSessionId());
    const value = session();
    await store.set(key, value);
    expect(await store.get(key)).toEqual(value);
    expect(connectionErrors.length).toBeGreaterThan(0); // reported through onError, not unhandled
    expect(unhandled).toEqual([]);
  }, 30_000);
});
