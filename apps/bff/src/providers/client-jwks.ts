import type { JsonWebKey } from 'node:crypto';
import type { Provider } from './provider.ts';

/**
 * The public halves of every provider's `clientKeys`, for `GET /auth/jwks.json` (a provider registered with the
 * BFF's `jwks_uri` fetches them to check `private_key_jwt` assertions). A key shared by two providers is listed once.
 */
export function clientJwks(providers: readonly Provider[]): { keys: JsonWebKey[] } {
  const byKid = new Map<string, JsonWebKey>();
  for (const provider of providers) {
    for (const key of provider.config.clientKeys ?? []) {
      if (!byKid.has(key.kid)) byKid.set(key.kid, key.publicJwk);
    }
  }
  return { keys: [...byKid.values()] };
}
