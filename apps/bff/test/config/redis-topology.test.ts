import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/env.ts';

describe('Redis beyond one server: REDIS_SENTINELS, REDIS_SENTINEL_NAME, REDIS_CLUSTER_NODES', () => {
  it('is one server at REDIS_URL by default, waiting for no replica', () => {
    expect(parseConfig({}).store.redis).toEqual({
      mode: 'standalone',
      url: 'redis://127.0.0.1:6379',
      waitReplicas: 0,
    });
    expect(parseConfig({ REDIS_URL: 'rediss://u:p@redis.internal:6380' }).store.redis).toMatchObject({
      mode: 'standalone',
      url: 'rediss://u:p@redis.internal:6380',
    });
  });

  it('reads sentinels, the master name (default mymaster), credentials and TLS; waits for one replica', () => {
    const config = parseConfig({ REDIS_SENTINELS: 'sentinel-1:26379, 10.0.0.2:26380,[::1]:26381' });
    expect(config.store.redis).toEqual({
      mode: 'sentinel',
      sentinels: [
        { host: 'sentinel-1', port: 26379 },
        { host: '10.0.0.2', port: 26380 },
        { host: '::1', port: 26381 },
      ],
      name: 'mymaster',
      sentinelPassword: undefined,
      username: undefined,
      password: undefined,
      tls: false,
      waitReplicas: 1,
    });
    expect(
      parseConfig({
        REDIS_SENTINELS: 's:26379',
        REDIS_SENTINEL_NAME: 'sessions',
        REDIS_USERNAME: 'bff',
        REDIS_PASSWORD: 'secret',
        REDIS_SENTINEL_PASSWORD: 'other',
        REDIS_TLS: 'true',
        REDIS_WAIT_REPLICAS: '2',
      }).store.redis,
    ).toMatchObject({
      name: 'sessions',
      username: 'bff',
      password: 'secret',
      sentinelPassword: 'other',
      tls: true,
      waitReplicas: 2,
    });
  });

  it('reads cluster nodes', () => {
    expect(parseConfig({ REDIS_CLUSTER_NODES: 'a:7000,b:7001', REDIS_PASSWORD: 'x' }).store.redis).toEqual({
      mode: 'cluster',
      nodes: [
        { host: 'a', port: 7000 },
        { host: 'b', port: 7001 },
      ],
      username: undefined,
      password: 'x',
      tls: false,
      waitReplicas: 0,
    });
  });

  it.each([
    [{ REDIS_SENTINELS: 'sentinel-1' }, 'REDIS_SENTINELS'],
    [{ REDIS_SENTINELS: 'a:26379,b:0' }, 'REDIS_SENTINELS'],
    [{ REDIS_SENTINELS: 'a:99999' }, 'REDIS_SENTINELS'],
    [{ REDIS_SENTINELS: ' , ' }, 'REDIS_SENTINELS'],
    [{ REDIS_CLUSTER_NODES: 'http://a:7000' }, 'REDIS_CLUSTER_NODES'],
    [{ REDIS_SENTINELS: 'a:1', REDIS_CLUSTER_NODES: 'b:2' }, 'REDIS_CLUSTER_NODES'],
    [{ REDIS_SENTINELS: 'a:1', REDIS_URL: 'redis://x:6379' }, 'REDIS_URL'],
    [{ REDIS_CLUSTER_NODES: 'a:1', REDIS_URL: 'redis://x:6379' }, 'REDIS_URL'],
    [{ REDIS_PASSWORD: 'secret' }, 'REDIS_PASSWORD'],
    [{ REDIS_TLS: 'true' }, 'REDIS_TLS'],
    [{ REDIS_TLS: 'yes', REDIS_SENTINELS: 'a:1' }, 'REDIS_TLS'],
    [{ REDIS_CLUSTER_NODES: 'a:1', REDIS_WAIT_REPLICAS: '1' }, 'REDIS_WAIT_REPLICAS'],
    [{ REDIS_CLUSTER_NODES: 'a:1', REDIS_SENTINEL_PASSWORD: 'x' }, 'REDIS_SENTINEL_PASSWORD'],
    [{ REDIS_SENTINELS: 'a:1', REDIS_WAIT_REPLICAS: '-1' }, 'REDIS_WAIT_REPLICAS'],
  ])('stops start-up for %j, naming %s', (env, name) => {
    expect(() => parseConfig(env)).toThrow(ConfigError);
    expect(() => parseConfig(env)).toThrow(new RegExp(`^Invalid configuration:\\n${name}: `));
  });

  it('never puts a password in the message', () => {
    expect(() => parseConfig({ REDIS_PASSWORD: 'hunter2-secret' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    );
  });
});
