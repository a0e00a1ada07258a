import { createRemoteJWKSet, errors, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';

/**
 * The issuer's signing keys, found through its discovery document (`jwks_uri`) on first use and then kept
 * by jose's remote key set, which caches them and re-fetches when a token names an unknown `kid` (the dev
 * IdP makes new keys on every start). Nothing is fetched at start-up, so the API starts before the IdP.
 */

/** The keys cannot be obtained right now (issuer down, bad discovery document): not the token's fault. */
export class KeysUnavailableError extends Error {
  override name = 'KeysUnavailableError';
}

const DiscoverySchema = z.object({ issuer: z.string(), jwks_uri: z.url({ protocol: /^https?$/ }) });

export interface IssuerKeysOptions {
  /** Per request to the issuer (default 5000 ms). */
  timeoutMs?: number;
}

async function discoverJwksUri(issuer: string, timeoutMs: number): Promise<URL> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new KeysUnavailableError(`cannot fetch ${url}: ${(error as Error).message}`, { cause: error });
  }
  if (!response.ok) throw new KeysUnavailableError(`${url} answered ${response.status}`);
  const parsed = DiscoverySchema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw new KeysUnavailableError(`${url} is not a valid discovery document`);
  // RFC 8414 §3.3: the document must name the issuer it was fetched for.
  if (parsed.data.issuer !== issuer) {
    throw new KeysUnavailableError(`${url} names issuer "${parsed.data.issuer}", expected "${issuer}"`);
  }
  return new URL(parsed.data.jwks_uri);
}

/** A jose key resolver for `issuer`'s tokens; failures to reach the issuer throw `KeysUnavailableError`. */
export function issuerKeys(issuer: string, options: IssuerKeysOptions = {}): JWTVerifyGetKey {
  const timeoutMs = options.timeoutMs ?? 5000;
  let keySet: Promise<JWTVerifyGetKey> | undefined;

  const load = (): Promise<JWTVerifyGetKey> => {
    keySet ??= discoverJwksUri(issuer, timeoutMs).then(
      (jwksUri) => createRemoteJWKSet(jwksUri, { timeoutDuration: timeoutMs }),
      (error: unknown) => {
        keySet = undefined; // retried on the next request
        throw error;
      },
    );
    return keySet;
  };

  return async (header, token) => {
    const getKey = await load();
    try {
      return await getKey(header, token);
    } catch (error) {
      // "No key for this kid" is the token's problem; a key set that cannot be fetched is ours.
      if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError)) {
        throw new KeysUnavailableError(`cannot fetch the issuer's keys: ${(error as Error).message}`, {
          cause: error,
        });
      }
      if (error.code === 'ERR_JOSE_GENERIC' || error instanceof errors.JWKSInvalid) {
        throw new KeysUnavailableError(`cannot use the issuer's keys: ${error.message}`, { cause: error });
      }
      throw error;
    }
  };
}
