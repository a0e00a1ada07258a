import { describe, expect, it } from 'vitest';
import { beginLogin } from '../../src/sign-in/begin-login.ts';
import { finishLogin } from '../../src/sign-in/finish-login.ts';
import { BINDING, coreDeps, mockProviderForFile, SPA } from './core.ts';

const mockOp = mockProviderForFile();

async function started(deps: ReturnType<typeof coreDeps>) {
  return beginLogin(deps, {
    provider: 'mock',
    spaOrigin: SPA,
    returnTo: '/dashboard',
    browserBinding: () => BINDING,
  });
}

describe('finishLogin, without HTTP', () => {
  it('refuses a missing or malformed state with invalid_request, before touching the store', async () => {
    const deps = coreDeps(mockOp());
    for (const state of [undefined, ['a', 'b'], 'short', `${'x'.repeat(42)}!`]) {
      const attempt = finishLogin(deps, { state, query: '', browserBinding: BINDING, userAgent: null });
      await expect(attempt).rejects.toMatchObject({ name: 'SignInError', code: 'invalid_request' });
    }
  });

  it('takes the transaction once: a second callback with the same state is invalid_request', async () => {
    const deps = coreDeps(mockOp());
    const { transactionId } = await started(deps);
    const input = {
      state: transactionId,
      query: `state=${transactionId}`,
      browserBinding: null,
      userAgent: null,
    };
    const first = await finishLogin(deps, input);
    expect(first.ok).toBe(false);
    await expect(finishLogin(deps, input)).rejects.toMatchObject({ code: 'invalid_request' });
  });

  it('fails a callback from another browser with login_failed, back at the SPA it came from', async () => {
    const deps = coreDeps(mockOp());
    const { transactionId } = await started(deps);
    const outcome = await finishLogin(deps, {
      state: transactionId,
      query: `code=abc&state=${transactionId}`,
      browserBinding: 'c'.repeat(43),
      userAgent: null,
    });
    expect(outcome).toMatchObject({
      ok: false,
      code: 'login_failed',
      provider: 'mock',
      reason: 'the transaction belongs to another browser',
    });
    expect(outcome.returnTo.href).toBe(`${SPA}/?error=login_failed`);
    expect(mockOp().requests).not.toContain('/token');
  });

  it('turns the provider refusing the sign-in into access_denied', async () => {
    const deps = coreDeps(mockOp());
    const { transactionId } = await started(deps);
    const outcome = await finishLogin(deps, {
      state: transactionId,
      query: `error=access_denied&state=${transactionId}&iss=${encodeURIComponent(mockOp().issuer)}`,
      browserBinding: BINDING,
      userAgent: null,
    });
    expect(outcome).toMatchObject({ ok: false, code: 'access_denied' });
    expect(outcome.returnTo.href).toBe(`${SPA}/?error=access_denied`);
  });
});
