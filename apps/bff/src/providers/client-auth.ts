import { importJWK } from 'jose';
import * as oidc from 'openid-client';
import type { ProviderConfig } from '../config/providers-file.ts';

/**
 * How the BFF authenticates to a provider's token, PAR and revocation endpoints: a `private_key_jwt` assertion
 * signed with the first of `clientKeys` (its `kid` in the header, so the provider picks the matching published
 * key), else the client secret, else none (a public client).
 */
export async function clientAuth(config: ProviderConfig): Promise<oidc.ClientAuth> {
  const signing = config.clientKeys?.[0];
  if (signing) {
    const key = await importJWK({ ...signing.privateJwk }, signing.alg);
    if (key instanceof Uint8Array) throw new Error('a client key must be asymmetric');
    return oidc.PrivateKeyJwt({ key, kid: signing.kid });
  }
  return config.clientSecret ? oidc.ClientSecretBasic(config.clientSecret) : oidc.None();
}
