import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createGatehouse, GatehouseProvider, useSession, type GatehouseOptions } from '../src/index.ts';
import { aliceSession, BFF, json, stubBff, unauthenticated } from './fixtures.ts';

beforeEach(() => {
  sessionStorage.clear();
  window.history.replaceState(null, '', '/');
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

function Status() {
  const { status, session } = useSession();
  return <p aria-label="status">{`${status}${session ? ` ${session.user.sub}` : ''}`}</p>;
}

/** One page load: a new Gatehouse (as the SPA makes one per load), mounted, its first read settled. */
async function pageLoad(options: Partial<GatehouseOptions> = {}) {
  const navigate = vi.fn();
  const gatehouse = createGatehouse({
    bffUrl: BFF,
    tabSync: false,
    live: false,
    navigate,
    silentSignIn: true,
    ...options,
  });
  const view = render(
    <GatehouseProvider gatehouse={gatehouse}>
      <Status />
    </GatehouseProvider>,
  );
  await act(() => gatehouse.session.load().then(() => undefined));
  const status = screen.getByLabelText('status').textContent;
  view.unmount();
  return { navigate, gatehouse, status };
}

const silentUrl = (returnTo: string, provider?: string) =>
  `${BFF}/auth/login?${provider ? `provider=${provider}&` : ''}returnTo=${encodeURIComponent(returnTo)}&prompt=none`;

describe('silent sign-in on load (opt-in)', () => {
  it('signed out: goes to /auth/login?prompt=none once, back to this page, staying "loading" meanwhile', async () => {
    stubBff({ 'GET /api/session': unauthenticated });
    window.history.replaceState(null, '', '/?tab=notes');
    const { navigate, status } = await pageLoad();
    expect(navigate.mock.calls).toEqual([[silentUrl('/?tab=notes')]]);
    expect(status).toBe('loading');
  });

  it('never twice in one tab: the page that comes back signed out stays signed out, and so do later loads', async () => {
    stubBff({ 'GET /api/session': unauthenticated });
    await pageLoad();
    for (let load = 0; load < 3; load += 1) {
      const { navigate, status } = await pageLoad();
      expect(navigate).not.toHaveBeenCalled();
      expect(status).toBe('unauthenticated');
    }
  });

  it('a new tab (its own sessionStorage) tries once again', async () => {
    stubBff({ 'GET /api/session': unauthenticated });
    await pageLoad();
    sessionStorage.clear();
    expect((await pageLoad()).navigate).toHaveBeenCalledTimes(1);
  });

  it('the answer /?error=login_required to its own attempt is removed from the address, quietly', async () => {
    stubBff({ 'GET /api/session': unauthenticated });
    await pageLoad();
    window.history.replaceState({ idx: 3 }, '', '/?error=login_required&x=1#top');
    const { navigate, status } = await pageLoad();
    expect(`${location.pathname}${location.search}${location.hash}`).toBe('/?x=1#top');
    expect(history.state).toEqual({ idx: 3 });
    expect(navigate).not.toHaveBeenCalled();
    expect(status).toBe('unauthenticated');
  });

  it('leaves an error=login_required it never asked for, and every other error, for the app to show', async () => {
    stubBff({ 'GET /api/session': unauthenticated });
    window.history.replaceState(null, '', '/?error=login_required');
    createGatehouse({ bffUrl: BFF, tabSync: false, live: false, navigate: vi.fn(), silentSignIn: true });
    expect(location.search).toBe('?error=login_required');
    sessionStorage.clear();
    await pageLoad();
    window.history.replaceState(null, '', '/?error=access_denied');
    await pageLoad();
    expect(location.search).toBe('?error=access_denied');
  });

  it('is off unless asked for; with a session, or on a protected route, it is not tried', async () => {
    stubBff({ 'GET /api/session': unauthenticated });
    expect((await pageLoad({ silentSignIn: false })).navigate).not.toHaveBeenCalled();
    expect(sessionStorage.length).toBe(0);

    stubBff({ 'GET /api/session': () => json(aliceSession()) });
    const signedIn = await pageLoad();
    expect(signedIn.navigate).not.toHaveBeenCalled();
    expect(signedIn.status).toBe('authenticated alice');

    // A protected route's full login goes through without a page when the provider has a session anyway.
    stubBff({ 'GET /api/session': unauthenticated, 'GET /auth/providers': () => json([]) });
    const navigate = vi.fn();
    const gatehouse = createGatehouse({
      bffUrl: BFF,
      tabSync: false,
      live: false,
      navigate,
      silentSignIn: true,
    });
    await gatehouse.requireSession(new Request('http://app.test/dashboard'));
    expect(navigate.mock.calls).toEqual([[`${BFF}/auth/login?returnTo=%2Fdashboard`]]);
  });

  it('a session that ends later does not bring a silent attempt (it would sign the user straight back in)', async () => {
    let signedIn = true;
    stubBff({ 'GET /api/session': () => (signedIn ? json(aliceSession()) : unauthenticated()) });
    const navigate = vi.fn();
    const gatehouse = createGatehouse({
      bffUrl: BFF,
      tabSync: false,
      live: false,
      navigate,
      silentSignIn: true,
    });
    expect(await gatehouse.session.load()).not.toBeNull();
    signedIn = false;
    expect(await gatehouse.session.refresh()).toBeNull();
    expect(gatehouse.session.getSnapshot().status).toBe('unauthenticated');
    expect(navigate).not.toHaveBeenCalled();
  });

  it('names the provider when asked to; without sessionStorage it never tries', async () => {
    stubBff({ 'GET /api/session': unauthenticated });
    expect((await pageLoad({ silentSignIn: { provider: 'dev' } })).navigate.mock.calls).toEqual([
      [silentUrl('/', 'dev')],
    ]);
    sessionStorage.clear();
    vi.spyOn(Storage.prototype, 'getItem').mockImplementation(() => {
      throw new DOMException('denied', 'SecurityError');
    });
    const { navigate, status } = await pageLoad();
    expect(navigate).not.toHaveBeenCalled();
    expect(status).toBe('unauthenticated');
  });
});
