import type { Middleware } from 'koa';
import type { AppDeps } from '../deps.ts';
import { clientJwks } from '../providers/client-jwks.ts';

/** `GET /auth/jwks.json`: the public keys of the BFF's `private_key_jwt` client assertions (RFC 7517). */
export function jwks(deps: AppDeps): Middleware {
  const body = JSON.stringify(clientJwks(deps.providers.providers));
  return (ctx) => {
    ctx.type = 'application/jwk-set+json';
    // Short enough that a rotation (a new key put first) reaches providers that cache the set within minutes.
    ctx.set('cache-control', 'public, max-age=300');
    ctx.body = body;
  };
}
