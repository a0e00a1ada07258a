import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.ts';
import { sparePort } from '../support/redis-server.ts';
import { REDIS_URL, connectAdmin } from '../store/redis-helpers.ts';

const prefix = `gatehouse-test:${randomUUID()}:`;
const env = { RATE_LIMIT_LOGIN_PER_MINUTE: '3', REDIS_KEY_PREFIX: prefix };

describe('the login rate limit shared by replicas through Redis', () => {
  let redis: Redis;
  let replicas: Harness[];
  beforeAll(async () => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    const first = await startHarness({ env, rateLimitRedis: redis });
    const second = await startHarness({ env, rateLimitRedis: redis, idp: first.idp });
    replicas = [first, second];
  });
  beforeEach(async () => {
    await connectAdmin(); // fails (never skips) without Redis
  });
  afterAll(async () => {
    await replicas[1]?.close({ keepIdp: true });
    await replicas[0]?.close();
    const admin = await connectAdmin();
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
    admin.disconnect();
    redis.disconnect();
  });

  it('counts one client across replicas: the limit holds for the whole deployment, not per replica', async () => {
    const [a, b] = replicas as [Harness, Harness];
    expect((await a.request('/auth/login')).status).toBe(302);
    expect((await b.request('/auth/login')).status).toBe(302);
    expect((await a.request('/auth/login')).status).toBe(302);
    const refused = await b.request('/auth/login');
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({ error: 'rate_limited', message: expect.any(String) });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await a.request('/auth/login')).status).toBe(429);
    const admin = await connectAdmin();
    expect(await admin.keys(`${prefix}ratelimit:login*`)).toHaveLength(1);
  });
});

describe('the shared login rate limit with Redis down', () => {
  it('falls back to counting in each replica: sign-ins go on, still limited', async () => {
    const dead = new Redis(`redis://127.0.0.1:${await sparePort()}`, {
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => 5_000,
    });
    dead.on('error', () => undefined);
    const h = await startHarness({ env, rateLimitRedis: dead });
    try {
      for (let i = 0; i < 3; i++) expect((await h.request('/auth/login')).status).toBe(302);
      expect((await h.request('/auth/login')).status).toBe(429);
    } finally {
      await h.close();
      dead.disconnect();
    }
  });
});
