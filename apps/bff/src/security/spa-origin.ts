import type { ParameterizedContext } from 'koa';

/**
 * Which allowed SPA origin this request comes from: its `Origin`, else its `Referer`'s origin, when allowed;
 * otherwise the first configured one. Never an origin outside the allowlist.
 */
export function spaOriginFor(ctx: ParameterizedContext, allowed: readonly string[]): string {
  const candidates = [ctx.get('origin'), ctx.get('referer')];
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      const origin = new URL(candidate).origin;
      if (allowed.includes(origin)) return origin;
    } catch {
      // not a URL: ignore it
    }
  }
  return allowed[0]!;
}
