import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';

/**
 * A bare OpenID provider under the test's control: discovery and a JWKS, and a signer for tokens the test
 * shapes itself (logout tokens with one defect at a time, and so on).
 */
export interface MockProvider {
  issuer: string;
  privateKey: CryptoKey;
  kid: string;
  sign(
    payload: JWTPayload,
    options?: { alg?: string; typ?: string | null; key?: CryptoKey; kid?: string | null },
  ): Promise<string>;
  close(): Promise<void>;
}

export async function startMockProvider(): Promise<MockProvider> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = 'mock-key-1';
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const server = createServer((req, res) => {
    const issuer = `http://localhost:${(server.address() as AddressInfo).port}`;
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') {
      res.end(
        JSON.stringify({
          issuer,
          authorization_endpoint: `${issuer}/auth`,
          token_endpoint: `${issuer}/token`,
          jwks_uri: `${issuer}/jwks`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          backchannel_logout_supported: true,
          backchannel_logout_session_supported: true,
        }),
      );
    } else if (req.url === '/jwks') {
      res.end(JSON.stringify({ keys: [jwk] }));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://localhost:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    privateKey,
    kid,
    sign(payload, options = {}) {
      const header: Record<string, unknown> = { alg: options.alg ?? 'RS256' };
      if (options.kid !== null) header.kid = options.kid ?? kid;
      if (options.typ !== null) header.typ = options.typ ?? 'logout+jwt';
      return new SignJWT(payload)
        .setProtectedHeader(header as { alg: string })
        .sign(options.key ?? privateKey);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
