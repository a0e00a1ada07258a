import { describe, expect, it } from 'vitest';
import { hashBinding } from '../../src/sign-in/binding-hash.ts';
import { pkceChallengeS256 } from '../../src/sign-in/pkce.ts';
import { beginLogin } from '../../src/sign-in/begin-login.ts';
import { SignInError } from '../../src/sign-in/sign-in-error.ts';
import { startMockProvider } from '../support/mock-provider.ts';
import { BINDING, coreDeps, mockProviderForFile, REDIRECT_URI, SPA } from './core.ts';

const mockOp = mockProviderForFile();

describe('beginLogin, without HTTP', () => {
  it('stores a single-use transaction under the state it sends, bound to the browser, with PKCE S256 and a nonce', async () => {
    const deps = coreDeps(mockOp());
    const { redirectUrl, transactionId } = await beginLogin(deps, {
      provider: 'mock',
      spaOrigin: SPA,
      returnTo: '/dashboard?tab=2',
      browserBinding: () => BINDING,
    });
    const query = redirectUrl.searchParams;
    expect(`${redirectUrl.origin}${redirectUrl.pathname}`).toBe(`${mockOp().issuer}/authorize`);
    expect(query.get('state')).toBe(transactionId);
    expect(query.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(query.get('code_challenge_method')).toBe('S256');
    const stored = await deps.store.takeTransaction(transactionId);
    expect(stored).toMatchObject({
      provider: 'mock',
      browserBinding: hashBinding(BINDING),
      returnTo: `${SPA}/dashboard?tab=2`,
    });
    expect(query.get('code_challenge')).toBe(pkceChallengeS256(stored!.codeVerifier));
    expect(query.get('nonce')).toBe(stored!.nonce);
    expect(stored!.nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await deps.store.takeTransaction(transactionId)).toBeNull();
  });

  it('sends no nonce to a plain OAuth 2.0 provider, and falls back to / for a returnTo off the site', async () => {
    const deps = coreDeps(mockOp());
    const { redirectUrl, transaction } = await beginLogin(deps, {
      provider: 'octo',
      spaOrigin: SPA,
      returnTo: 'https://evil.example/',
      browserBinding: () => BINDING,
    });
    expect(redirectUrl.origin).toBe('https://octo.example');
    expect(redirectUrl.searchParams.has('nonce')).toBe(false);
    expect(redirectUrl.searchParams.has('scope')).toBe(false);
    expect(transaction.nonce).toBeNull();
    expect(transaction.returnTo).toBe(`${SPA}/`);
  });

  it('refuses an unknown provider with invalid_request, storing nothing and binding no browser', async () => {
    const deps = coreDeps(mockOp());
    let bound = false;
    const attempt = beginLogin(deps, {
      provider: 'nope',
      spaOrigin: SPA,
      returnTo: '/',
      browserBinding: () => ((bound = true), BINDING),
    });
    await expect(attempt).rejects.toBeInstanceOf(SignInError);
    await expect(attempt).rejects.toMatchObject({ code: 'invalid_request' });
    expect(bound).toBe(false);
  });

  it('answers provider_unavailable for a provider it cannot reach, before binding the browser', async () => {
    const down = await startMockProvider();
    await down.close();
    const deps = coreDeps(down);
    let bound = false;
    const attempt = beginLogin(deps, {
      provider: 'mock',
      spaOrigin: SPA,
      returnTo: '/',
      browserBinding: () => ((bound = true), BINDING),
    });
    await expect(attempt).rejects.toMatchObject({ name: 'SignInError', code: 'provider_unavailable' });
    expect(bound).toBe(false);
  });
});
