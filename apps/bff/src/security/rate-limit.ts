import type { Middleware } from 'koa';
import { HttpError } from '../http/errors.ts';
import type { Clock } from '../clock.ts';

export interface RateLimitOptions {
  /** Names the bucket family, so two limited routes never share counts (`login`, `callback`). */
  name: string;
  /** Requests allowed per client IP within one window. */
  limit: number;
  windowMs: number;
  clock: Clock;
  /** Bounds memory under a flood from many addresses; the oldest windows are dropped first. */
  maxKeys?: number;
}

interface Window {
  startedAt: number;
  count: number;
}

/**
 * A fixed-window limit per client IP, in this process's memory: `/auth/login` and `/auth/callback` each start
 * work at the provider and write a transaction, so a script must not be able to run them thousands of times a
 * minute. Over the limit: `429 {"error":"rate_limited"}` with `Retry-After`.
 *
 * The client IP is koa's `ctx.ip`: the socket's address, or — with `TRUST_PROXY` — the address the proxy in
 * front appended to `X-Forwarded-For` (app.ts trusts exactly one hop, so a client cannot pick its own bucket).
 * Each replica counts on its own: with N replicas a client gets at most N × limit. With sessions in Redis,
 * `shared-rate-limit.ts` counts for all replicas instead.
 */
export function rateLimit(options: RateLimitOptions): Middleware {
  const { name, limit, windowMs, clock, maxKeys = 50_000 } = options;
  const windows = new Map<string, Window>();

  function evict(now: number): void {
    for (const [key, window] of windows) {
      if (now - window.startedAt >= windowMs) windows.delete(key);
    }
    // Still full of live windows: drop the oldest (Map keeps insertion order).
    for (const key of windows.keys()) {
      if (windows.size < maxKeys) break;
      windows.delete(key);
    }
  }

  return async (ctx, next) => {
    const now = clock();
    const key = `${name}\n${ctx.ip}`;
    let window = windows.get(key);
    if (!window || now - window.startedAt >= windowMs) {
      if (!window && windows.size >= maxKeys) evict(now);
      windows.delete(key);
      window = { startedAt: now, count: 0 };
      windows.set(key, window);
    }
    window.count += 1;
    if (window.count > limit) {
      const retryAfter = Math.max(1, Math.ceil((window.startedAt + windowMs - now) / 1000));
      // Logged (anti-automation is a security event), without the address: the request id correlates.
      ctx.state.log?.warn({ limiter: name, retryAfter }, 'rate limited');
      throw new HttpError(429, 'rate_limited', 'Too many requests. Try again shortly.', {
        'Retry-After': String(retryAfter),
      });
    }
    await next();
  };
}
