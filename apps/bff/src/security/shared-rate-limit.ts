import type { RedisClient } from '../store/redis-connection.ts';
import type { Middleware } from 'koa';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { HttpError } from '../http/errors.ts';

export interface SharedRateLimitOptions {
  /** Names the bucket family, so two limited routes never share counts (`login`, `callback`). */
  name: string;
  /** Requests allowed per client IP within one window, across every replica. */
  limit: number;
  windowMs: number;
  redis: RedisClient;
  /** The deployment's Redis key prefix (`REDIS_KEY_PREFIX`); the counters live under `<prefix>ratelimit:`. */
  keyPrefix: string;
}

/**
 * The login rate limit of `security/rate-limit.ts`, counted in Redis so that N replicas give a client the limit
 * once, not N times (rate-limiter-flexible's atomic INCR + PEXPIRE script). The client IP is koa's `ctx.ip`, as
 * there. When Redis does not answer, each replica falls back to counting on its own (the insurance limiter)
 * rather than refusing every sign-in or letting every one through.
 */
export function sharedRateLimit(options: SharedRateLimitOptions): Middleware {
  const { name, limit, windowMs, redis, keyPrefix } = options;
  const duration = Math.max(1, Math.ceil(windowMs / 1000));
  const limiter = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `${keyPrefix}ratelimit:${name}`,
    points: limit,
    duration,
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory({ points: limit, duration }),
  });

  return async (ctx, next) => {
    try {
      await limiter.consume(ctx.ip);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      ctx.state.log?.warn({ limiter: name, retryAfter, shared: true }, 'rate limited');
      throw new HttpError(429, 'rate_limited', 'Too many requests. Try again shortly.', {
        'Retry-After': String(retryAfter),
      });
    }
    await next();
  };
}
