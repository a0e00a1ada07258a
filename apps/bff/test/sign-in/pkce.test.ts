import * as oidc from 'openid-client';
import { describe, expect, it } from 'vitest';
import { newLoginSecrets, pkceChallengeS256 } from '../../src/sign-in/pkce.ts';

describe('PKCE with node:crypto', () => {
  it('computes the S256 challenge of RFC 7636, appendix B', () => {
    expect(pkceChallengeS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it("agrees with openid-client's WebCrypto challenge", async () => {
    for (let i = 0; i < 20; i++) {
      const verifier = oidc.randomPKCECodeVerifier();
      expect(pkceChallengeS256(verifier)).toBe(await oidc.calculatePKCECodeChallenge(verifier));
    }
  });

  it('draws verifiers and nonces of 256 bits, each one new', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100; i++) {
      const { codeVerifier, nonce } = newLoginSecrets();
      for (const value of [codeVerifier, nonce]) {
        // 43 characters from the unreserved set: RFC 7636 §4.1 allows 43 to 128.
        expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
        seen.add(value);
      }
    }
    expect(seen.size).toBe(200);
  });
});
