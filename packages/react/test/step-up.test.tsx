import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createGatehouse,
  createGatehouseClient,
  GatehouseError,
  GatehouseProvider,
  isStepUpRequired,
  StepUpRequiredError,
  UnauthenticatedError,
  useSession,
} from '../src/index.ts';
import { aliceSession, BFF, json, stubBff } from './fixtures.ts';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const ACR = 'urn:gatehouse:acr:password-again';
const stepUpBody = (acr: string[] | null, maxAge: number | null) => ({
  error: 'step_up_required',
  message: 'The "vault" API needs a stronger sign-in.',
  acr,
  maxAge,
});

describe('401 step_up_required from the proxy', () => {
  it('is a StepUpRequiredError carrying acr and maxAge; the session is not reported as ended', async () => {
    stubBff({ 'GET /api/proxy/vault/secret': () => json(stepUpBody([ACR], 300), 401) });
    const client = createGatehouseClient({ bffUrl: BFF });
    const signedOut = vi.fn();
    client.onSignedOut(signedOut);
    const error = await client.proxyFetch('vault', 'secret').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepUpRequiredError);
    expect(error).toBeInstanceOf(GatehouseError);
    expect(error).not.toBeInstanceOf(UnauthenticatedError);
    expect(isStepUpRequired(error)).toBe(true);
    expect(error).toMatchObject({
      status: 401,
      code: 'step_up_required',
      message: 'The "vault" API needs a stronger sign-in.',
      acr: [ACR],
      maxAge: 300,
    });
    expect(signedOut).not.toHaveBeenCalled();
  });

  it('a step_up_required body without a usable requirement stays a plain GatehouseError', async () => {
    for (const body of [
      { error: 'step_up_required', message: 'x' },
      { ...stepUpBody([ACR], null), acr: [''] },
      { ...stepUpBody(null, null), maxAge: -1 },
      { ...stepUpBody(null, null), maxAge: '60' },
    ]) {
      stubBff({ 'GET /api/proxy/vault/secret': () => json(body, 401) });
      const error = await createGatehouseClient({ bffUrl: BFF })
        .proxyFetch('vault', 'secret')
        .catch((e: unknown) => e);
      expect(error, JSON.stringify(body)).toBeInstanceOf(GatehouseError);
      expect(isStepUpRequired(error), JSON.stringify(body)).toBe(false);
    }
  });
});

describe('loginUrl options', () => {
  it('adds acr (space-separated), maxAge and prompt=none to /auth/login', () => {
    const client = createGatehouseClient({ bffUrl: BFF });
    const url = new URL(client.loginUrl(undefined, '/dashboard', { acr: [ACR, 'urn:x'], maxAge: 300 }));
    expect(url.searchParams.get('acr')).toBe(`${ACR} urn:x`);
    expect(url.searchParams.get('maxAge')).toBe('300');
    expect(url.searchParams.get('returnTo')).toBe('/dashboard');
    expect(url.searchParams.has('provider')).toBe(false);
    expect(url.searchParams.has('prompt')).toBe(false);
    const silent = new URL(client.loginUrl('dev', '/', { prompt: 'none' }));
    expect(silent.searchParams.get('prompt')).toBe('none');
    expect(silent.searchParams.has('acr')).toBe(false);
    expect(silent.searchParams.has('maxAge')).toBe(false);
  });
});

function StepUpButton({
  requirement,
}: {
  requirement: Parameters<ReturnType<typeof useSession>['stepUp']>[0];
}) {
  const { stepUp } = useSession();
  return (
    <button type="button" onClick={() => stepUp(requirement)}>
      Confirm
    </button>
  );
}

describe('stepUp', () => {
  it('sends the browser to /auth/login with the requirement of the error and back to this page', async () => {
    stubBff({
      'GET /api/session': () => json(aliceSession()),
      'GET /api/proxy/vault/secret': () => json(stepUpBody([ACR], 120), 401),
    });
    window.history.replaceState(null, '', '/dashboard?tab=2');
    const navigate = vi.fn();
    const gatehouse = createGatehouse({ bffUrl: BFF, tabSync: false, live: false, navigate });
    const error = await gatehouse.client.proxyFetch('vault', 'secret').catch((e: unknown) => e);
    if (!isStepUpRequired(error)) throw new Error('expected a StepUpRequiredError');
    render(
      <GatehouseProvider gatehouse={gatehouse}>
        <StepUpButton requirement={error} />
      </GatehouseProvider>,
    );
    await act(async () => screen.getByRole('button', { name: 'Confirm' }).click());
    expect(navigate).toHaveBeenCalledTimes(1);
    const url = new URL(navigate.mock.calls[0]![0] as string);
    expect(`${url.origin}${url.pathname}`).toBe(`${BFF}/auth/login`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      acr: ACR,
      maxAge: '120',
      returnTo: '/dashboard?tab=2',
    });
  });

  it('takes a raw body or {acr, maxAge} and a returnTo; refuses a requirement of nothing', () => {
    const navigate = vi.fn();
    const { session } = createGatehouse({ bffUrl: BFF, tabSync: false, live: false, navigate });
    session.stepUp(stepUpBody(null, 60), { returnTo: '/sessions' });
    session.stepUp({ acr: ACR }, { returnTo: '//evil.example' });
    const [recent, stronger] = navigate.mock.calls.map(([u]) => new URL(u as string).searchParams);
    expect(Object.fromEntries(recent!)).toEqual({ maxAge: '60', returnTo: '/sessions' });
    expect(Object.fromEntries(stronger!)).toEqual({ acr: ACR, returnTo: '/' });
    expect(() => session.stepUp({})).toThrow(TypeError);
    expect(() => session.stepUp({ acr: [], maxAge: null })).toThrow(TypeError);
    expect(navigate).toHaveBeenCalledTimes(2);
  });
});
