import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createGatehouse,
  GatehouseProvider,
  RequireSession,
  useSession,
  type Gatehouse,
} from '../src/index.ts';
import { aliceSession, BFF, json, stubBff, unauthenticated, type Call } from './fixtures.ts';
import { FakeEventSource } from './fake-event-source.ts';

const MINUTE = 60_000;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  FakeEventSource.opened = [];
  vi.stubGlobal('EventSource', FakeEventSource);
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

/** Lets time pass inside React's act, so effects and store updates settle. */
const pass = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms));

function Status({ label = 'status' }: { label?: string }) {
  const { status, session, expiryWarning, ended } = useSession();
  return (
    <p aria-label={label}>
      {status}
      {session ? ` ${session.user.sub} idle=${session.idleExpiresAt}` : ''}
      {expiryWarning ? ` warning extendable=${expiryWarning.extendable}` : ''}
      {ended ? ` ended=${ended}` : ''}
    </p>
  );
}

const text = (label = 'status') => screen.getByLabelText(label).textContent ?? '';
const sessionReads = (calls: Call[]) => calls.filter((c) => new URL(c.url).pathname === '/api/session');

function mount(gatehouse: Gatehouse, children = <Status />) {
  return render(<GatehouseProvider gatehouse={gatehouse}>{children}</GatehouseProvider>);
}

const newGatehouse = (navigate = vi.fn()) => createGatehouse({ bffUrl: BFF, tabSync: false, navigate });

describe('useSession', () => {
  it('reads the session once per page however many components use it; no polling', async () => {
    const { calls } = stubBff({ 'GET /api/session': () => json(aliceSession(30 * MINUTE)) });
    mount(
      newGatehouse(),
      <>
        <Status label="a" />
        <Status label="b" />
        <Status label="c" />
      </>,
    );
    expect(text('a')).toBe('loading');
    await pass(10);
    expect(text('a')).toMatch(/^authenticated alice/);
    expect(text('c')).toMatch(/^authenticated alice/);
    await pass(20 * MINUTE);
    expect(sessionReads(calls)).toHaveLength(1);
  });

  it('signed out is a state: status unauthenticated, no session', async () => {
    stubBff({ 'GET /api/session': unauthenticated });
    mount(newGatehouse());
    await pass(10);
    expect(text()).toBe('unauthenticated');
  });

  it('reads again on focus and when back online, at most every 5 s, without sliding the idle expiry', async () => {
    const { calls } = stubBff({ 'GET /api/session': () => json(aliceSession(30 * MINUTE)) });
    mount(newGatehouse());
    await pass(10);
    await act(async () => window.dispatchEvent(new Event('focus')));
    expect(sessionReads(calls)).toHaveLength(1); // within 5 s of the first read
    await pass(5_000);
    await act(async () => window.dispatchEvent(new Event('focus')));
    await act(async () => window.dispatchEvent(new Event('online')));
    await pass(10);
    const reads = sessionReads(calls);
    expect(reads).toHaveLength(2);
    expect(reads[0]?.url).toBe(`${BFF}/api/session`);
    expect(reads[1]?.url).toBe(`${BFF}/api/session?slide=false`);
  });

  it('warns 2 minutes before the idle expiry, not before', async () => {
    stubBff({ 'GET /api/session': () => json(aliceSession(10 * MINUTE)) });
    mount(newGatehouse());
    await pass(8 * MINUTE - 1_000);
    expect(text()).not.toMatch(/warning/);
    await pass(1_000);
    expect(text()).toMatch(/warning extendable=true/);
  });

  it('warns half the idle timeout before when that is shorter than 2 minutes', async () => {
    stubBff({ 'GET /api/session': () => json(aliceSession(60_000, { idleTimeoutSeconds: 60 })) });
    mount(newGatehouse());
    await pass(29_000);
    expect(text()).not.toMatch(/warning/);
    await pass(1_000);
    expect(text()).toMatch(/warning extendable=true/);
  });

  it('before the absolute expiry, the warning says the session cannot be extended', async () => {
    const session = aliceSession(30 * MINUTE);
    session.expiresAt = new Date(Date.now() + 5 * MINUTE).toISOString();
    stubBff({ 'GET /api/session': () => json(session) });
    mount(newGatehouse());
    await pass(3 * MINUTE);
    expect(text()).toMatch(/warning extendable=false/);
  });

  it('Stay signed in slides the idle expiry at once and clears the warning', async () => {
    const { calls } = stubBff({
      'GET /api/session': () => json(aliceSession(3 * MINUTE)),
      'POST /api/session/extend': () => json(aliceSession(30 * MINUTE)),
    });
    const gatehouse = newGatehouse();
    mount(gatehouse);
    await pass(2 * MINUTE);
    expect(text()).toMatch(/warning/);
    await act(() => gatehouse.session.staySignedIn());
    expect(calls.at(-1)?.method).toBe('POST');
    expect(text()).not.toMatch(/warning/);
    await pass(20 * MINUTE);
    expect(text()).toMatch(/^authenticated alice/);
  });

  it('when the idle expiry passes, the BFF is asked (without sliding) and the page is signed out', async () => {
    let alive = true;
    const { calls } = stubBff({
      'GET /api/session': () => (alive ? json(aliceSession(3 * MINUTE)) : unauthenticated()),
    });
    mount(newGatehouse());
    await pass(10);
    alive = false;
    await pass(3 * MINUTE - 10);
    expect(text()).toMatch(/^authenticated/); // the BFF's clock gets half a second to pass the end too
    await pass(500);
    expect(text()).toBe('unauthenticated ended=expired');
    expect(sessionReads(calls).at(-1)?.url).toBe(`${BFF}/api/session?slide=false`);
  });

  it('follows the live events: a new SessionInfo, then ended with its reason', async () => {
    stubBff({ 'GET /api/session': () => json(aliceSession(30 * MINUTE)) });
    mount(newGatehouse());
    await pass(10);
    const source = FakeEventSource.latest();
    expect(source.url).toBe(`${BFF}/api/session/events`);
    expect(source.init?.withCredentials).toBe(true);
    const later = aliceSession(45 * MINUTE);
    await act(async () => source.emit('session', later));
    expect(text()).toContain(`idle=${later.idleExpiresAt}`);
    await act(async () => source.emit('ended', { reason: 'revoked' }));
    expect(text()).toBe('unauthenticated ended=revoked');
    expect(source.readyState).toBe(FakeEventSource.CLOSED);
  });

  it('reconnects a broken stream with a growing delay, checking the session each time', async () => {
    const { calls } = stubBff({ 'GET /api/session': () => json(aliceSession(60 * MINUTE)) });
    vi.spyOn(Math, 'random').mockReturnValue(0.5); // no jitter
    mount(newGatehouse());
    await pass(10);
    expect(FakeEventSource.opened).toHaveLength(1);
    await act(async () => FakeEventSource.latest().fail());
    await pass(999);
    expect(FakeEventSource.opened).toHaveLength(1);
    await pass(1);
    expect(FakeEventSource.opened).toHaveLength(2);
    await act(async () => FakeEventSource.latest().fail());
    await pass(1_999);
    expect(FakeEventSource.opened).toHaveLength(2);
    await pass(1);
    expect(FakeEventSource.opened).toHaveLength(3);
    // Once open, the delay starts again from 1 s.
    await act(async () => FakeEventSource.latest().open());
    await act(async () => FakeEventSource.latest().fail());
    await pass(1_000);
    expect(FakeEventSource.opened).toHaveLength(4);
    expect(
      sessionReads(calls)
        .slice(1)
        .every((c) => c.url.endsWith('slide=false')),
    ).toBe(true);
  });

  it('a broken stream whose session is gone stops reconnecting and shows signed out', async () => {
    let alive = true;
    stubBff({ 'GET /api/session': () => (alive ? json(aliceSession(60 * MINUTE)) : unauthenticated()) });
    mount(newGatehouse());
    await pass(10);
    alive = false;
    await pass(6_000);
    await act(async () => FakeEventSource.latest().fail());
    await pass(10);
    expect(text()).toMatch(/^unauthenticated/);
    await pass(60_000);
    expect(FakeEventSource.opened).toHaveLength(1);
  });

  it('signOut posts the logout, leaves for redirectTo and tells the other tabs', async () => {
    vi.useRealTimers();
    let signedIn = true;
    stubBff({
      'GET /api/session': () => (signedIn ? json(aliceSession(60 * MINUTE)) : unauthenticated()),
      'POST /auth/logout': () => {
        signedIn = false;
        return json({ redirectTo: 'http://idp.test/end' });
      },
    });
    const channelName = `test-${Math.random()}`;
    const navigate = vi.fn();
    const here = createGatehouse({ bffUrl: BFF, tabSync: channelName, navigate, live: false });
    const there = createGatehouse({ bffUrl: BFF, tabSync: channelName, navigate: vi.fn(), live: false });
    const stops = [here.session.start(), there.session.start()];
    await vi.waitFor(() => expect(there.session.getSnapshot().status).toBe('authenticated'));
    await here.session.signOut();
    expect(navigate).toHaveBeenCalledWith('http://idp.test/end');
    await vi.waitFor(() =>
      expect(there.session.getSnapshot()).toMatchObject({ status: 'unauthenticated', ended: 'signed_out' }),
    );
    stops.forEach((stop) => stop());
  });

  it('a sign-out that leaves another account of the browser shows that account in the other tabs', async () => {
    vi.useRealTimers();
    const bob = aliceSession(60 * MINUTE, {
      user: { sub: 'bob', name: 'Bob Builder', email: 'bob@example.com', picture: null },
    });
    let active = 'alice';
    stubBff({
      'GET /api/session': () => json(active === 'alice' ? aliceSession(60 * MINUTE) : bob),
      'POST /auth/logout': () => {
        active = 'bob';
        return json({ redirectTo: 'http://idp.test/end' });
      },
    });
    const channelName = `test-${Math.random()}`;
    const here = createGatehouse({ bffUrl: BFF, tabSync: channelName, navigate: vi.fn(), live: false });
    const there = createGatehouse({ bffUrl: BFF, tabSync: channelName, navigate: vi.fn(), live: false });
    const stops = [here.session.start(), there.session.start()];
    await vi.waitFor(() => expect(there.session.getSnapshot().session?.user.sub).toBe('alice'));
    await here.session.signOut();
    await vi.waitFor(() =>
      expect(there.session.getSnapshot()).toMatchObject({
        status: 'authenticated',
        session: { user: { sub: 'bob' } },
      }),
    );
    stops.forEach((stop) => stop());
  });

  it('Stay signed in in one tab moves the idle expiry in the others', async () => {
    vi.useRealTimers();
    const extended = aliceSession(30 * MINUTE);
    stubBff({
      'GET /api/session': () => json(aliceSession(MINUTE)), // inside the warning already
      'POST /api/session/extend': () => json(extended),
    });
    const channelName = `test-${Math.random()}`;
    const here = createGatehouse({ bffUrl: BFF, tabSync: channelName, live: false });
    const there = createGatehouse({ bffUrl: BFF, tabSync: channelName, live: false });
    const stops = [here.session.start(), there.session.start()];
    await vi.waitFor(() => expect(there.session.getSnapshot().expiryWarning).not.toBeNull());
    await here.session.staySignedIn();
    await vi.waitFor(() =>
      expect(there.session.getSnapshot()).toMatchObject({
        session: { idleExpiresAt: extended.idleExpiresAt },
        expiryWarning: null,
      }),
    );
    stops.forEach((stop) => stop());
  });

  it('a sign-in in another tab is read at once by a signed-out one', async () => {
    vi.useRealTimers();
    let signedIn = false;
    stubBff({ 'GET /api/session': () => (signedIn ? json(aliceSession(60 * MINUTE)) : unauthenticated()) });
    const channelName = `test-${Math.random()}`;
    const waiting = createGatehouse({ bffUrl: BFF, tabSync: channelName, live: false });
    const stopWaiting = waiting.session.start();
    await vi.waitFor(() => expect(waiting.session.getSnapshot().status).toBe('unauthenticated'));
    signedIn = true;
    const fresh = createGatehouse({ bffUrl: BFF, tabSync: channelName, live: false });
    const stopFresh = fresh.session.start(); // the tab that came back from the login
    await vi.waitFor(() => expect(waiting.session.getSnapshot().status).toBe('authenticated'));
    stopWaiting();
    stopFresh();
  });
});

describe('RequireSession and requireSession', () => {
  it('renders its children only with a session; signed out, starts the login back to this page', async () => {
    stubBff({ 'GET /api/session': unauthenticated, 'GET /auth/providers': () => json([]) });
    window.history.replaceState(null, '', '/private?x=1');
    const navigate = vi.fn();
    mount(newGatehouse(navigate), <RequireSession fallback={<p>Waiting</p>}>Secret</RequireSession>);
    await pass(10);
    expect(screen.queryByText('Secret')).toBeNull();
    expect(screen.getByText('Waiting')).toBeTruthy();
    expect(navigate).toHaveBeenCalledWith(`${BFF}/auth/login?returnTo=%2Fprivate%3Fx%3D1`);
  });

  it('the loader helper answers the session, or sends the browser to the login with returnTo', async () => {
    sessionStorage.clear();
    let signedIn = true;
    stubBff({
      'GET /api/session': () => (signedIn ? json(aliceSession()) : unauthenticated()),
      'GET /auth/providers': () => json([{ name: 'dev', label: 'Dev IdP', available: true }]),
    });
    const navigate = vi.fn();
    const signedInPage = newGatehouse(navigate);
    expect(await signedInPage.requireSession(new Request('http://app.test/dashboard'))).toMatchObject({
      session: { user: { sub: 'alice' } },
    });
    signedIn = false;
    const loginUrl = `${BFF}/auth/login?provider=dev&returnTo=%2Fdashboard%3Ftab%3D2`;
    expect(
      await newGatehouse(navigate).requireSession(new Request('http://app.test/dashboard?tab=2')),
    ).toEqual({
      signIn: 'redirecting',
      loginUrl,
    });
    expect(navigate).toHaveBeenCalledWith(loginUrl);
  });
});
