import type { ProviderSummary } from '@gatehouse/shared';
import type { Middleware } from 'koa';
import type { AppDeps } from '../deps.ts';

/** `GET /auth/providers`: one entry per configured provider, for the SPA's sign-in buttons. */
export function listProviders(deps: AppDeps): Middleware {
  return (ctx) => {
    const body: ProviderSummary[] = deps.providers.providers.map((p) => ({
      name: p.name,
      label: p.label,
      available: p.available,
    }));
    ctx.body = body;
  };
}
