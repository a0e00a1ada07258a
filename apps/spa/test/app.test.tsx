import type { SessionSummary } from '@gatehouse/shared';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { alice, BFF, fakeBff } from './fake-bff.ts';
import { renderApp } from './render.tsx';

beforeEach(() => {
  sessionStorage.clear();
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const signInButtons = () => screen.getAllByRole('button', { name: /^Sign in/ });

describe('home', () => {
  it('shows the product and one Sign in button per provider', async () => {
    const bff = fakeBff({
      providers: [
        { name: 'dev', label: 'Dev IdP', available: true },
        { name: 'github', label: 'GitHub', available: true },
        { name: 'corp', label: 'Corp SSO', available: false },
      ],
    });
    const { assign } = renderApp('/', bff);

    expect(await screen.findByRole('heading', { level: 1, name: 'Gatehouse' })).toBeTruthy();
    await screen.findByRole('button', { name: 'Sign in with Dev IdP' });
    expect(signInButtons().map((b) => b.textContent)).toEqual([
      'Sign in with Dev IdP',
      'Sign in with GitHub',
      'Sign in with Corp SSO',
    ]);
    expect(screen.getByRole('button', { name: 'Sign in with Corp SSO' }).hasAttribute('disabled')).toBe(true);
    expect(screen.getByRole('button', { name: 'Sign in with GitHub' }).hasAttribute('disabled')).toBe(false);

    // Login is a full-page navigation to the BFF, never a fetch.
    fireEvent.click(screen.getByRole('button', { name: 'Sign in with GitHub' }));
    expect(assign).toHaveBeenCalledWith(`${BFF}/auth/login?provider=github&returnTo=%2Fdashboard`);
    expect(bff.calls.some((c) => c.path === '/auth/login')).toBe(false);
  });

  it('signed in, greets the user and links to the Dashboard instead', async () => {
    renderApp('/', fakeBff({ session: alice }));
    expect(await screen.findByText('Alice Liddell')).toBeTruthy();
    expect(screen.getByText(/Signed in as/).textContent).toBe('Signed in as Alice Liddell.');
    expect(screen.getByRole('link', { name: 'Go to your Dashboard' })).toBeTruthy();
    expect(screen.queryAllByRole('button', { name: /^Sign in/ })).toHaveLength(0);
  });

  it.each([
    [
      'access_denied',
      'Access denied: this account is not allowed to sign in here, or sign-in was cancelled.',
    ],
    ['login_expired', 'Your sign-in took too long. Please try again.'],
    ['login_failed', 'Sign-in failed. Please try again.'],
  ])('?error=%s shows a polite message', async (code, text) => {
    renderApp(`/?error=${code}`, fakeBff());
    expect((await screen.findByRole('alert')).textContent).toBe(text);
    expect(screen.queryByText(code)).toBeNull();
  });

  it('an unknown or hostile error code shows the generic message and never the raw value', async () => {
    const raw = '<img src=x onerror="alert(1)">evil';
    const { container } = renderApp(`/?error=${encodeURIComponent(raw)}`, fakeBff());
    expect((await screen.findByRole('alert')).textContent).toBe('Sign-in failed. Please try again.');
    expect(container.querySelector('img[src="x"], [onerror]')).toBeNull();
    expect(container.textContent).not.toContain('evil');
    expect(container.innerHTML).not.toContain('onerror');
  });

  it('without an error parameter shows no alert', async () => {
    renderApp('/', fakeBff());
    await screen.findByRole('button', { name: 'Sign in with Dev IdP' });
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows a polite message when the BFF cannot be reached', async () => {
    const bff = fakeBff();
    bff.fetch.mockImplementation(async (input) => {
      if (String(input) === '/config.json') return Response.json({ bffUrl: BFF });
      throw new TypeError('Failed to fetch');
    });
    const { container } = renderApp('/', bff);
    expect((await screen.findByRole('alert')).textContent).toMatch(/unavailable right now/);
    expect(container.textContent).not.toContain('TypeError');
  });
});

describe('dashboard', () => {
  it('shows the user, the provider, the expiry and a Sign out button', async () => {
    renderApp('/dashboard', fakeBff({ session: alice }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Dashboard' })).toBeTruthy();
    expect(screen.getAllByText('Alice Liddell').length).toBeGreaterThan(0);
    expect(screen.getByText('alice@example.com')).toBeTruthy();
    expect(screen.getByText(/Dev IdP/)).toBeTruthy();
    const expires = document.querySelector(`time[datetime="${alice.expiresAt}"]`);
    expect(expires?.textContent).toBe(
      new Date(alice.expiresAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }),
    );
    expect(document.querySelector(`time[datetime="${alice.idleExpiresAt}"]`)).not.toBeNull();
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Manage your sessions' })).toBeTruthy();
  });

  it('shows the groups the session kept, and no Groups row without them', async () => {
    const carol = { ...alice, claims: { groups: ['notes-editors', 'staff'] } };
    renderApp('/dashboard', fakeBff({ session: carol }));
    expect(await screen.findByText('notes-editors, staff')).toBeTruthy();
    cleanup();
    renderApp('/dashboard', fakeBff({ session: alice }));
    await screen.findByRole('heading', { level: 1, name: 'Dashboard' });
    expect(screen.queryByText('Groups')).toBeNull();
  });

  it('loads the session once and shares it across pages', async () => {
    const bff = fakeBff({ session: alice });
    const { router } = renderApp('/dashboard', bff);
    await screen.findByRole('heading', { name: 'Dashboard' });
    await router.navigate('/');
    await screen.findByText(/Signed in as/);
    await router.navigate('/dashboard');
    await screen.findByRole('heading', { name: 'Dashboard' });
    expect(bff.calls.filter((c) => c.path === '/api/session')).toHaveLength(1);
  });

  it('signed out, sends the browser through the BFF login and back to /dashboard', async () => {
    const bff = fakeBff({ session: null });
    const { assign } = renderApp('/dashboard?tab=2', bff);
    await waitFor(() => expect(assign).toHaveBeenCalledTimes(1));
    const target = new URL(assign.mock.calls[0]![0]);
    expect(target.origin + target.pathname).toBe(`${BFF}/auth/login`);
    expect(target.searchParams.get('provider')).toBe('dev');
    expect(target.searchParams.get('returnTo')).toBe('/dashboard?tab=2');
    expect(screen.queryByRole('heading', { name: 'Dashboard' })).toBeNull();
    expect(await screen.findByRole('status')).toBeTruthy();
  });

  it('stops after a few automatic trips to the login (a browser that drops the cookie)', async () => {
    for (let i = 0; i < 3; i++) {
      const { assign, unmount } = renderApp('/dashboard', fakeBff());
      await waitFor(() => expect(assign).toHaveBeenCalledTimes(1));
      unmount();
      vi.restoreAllMocks();
    }
    const { assign } = renderApp('/dashboard', fakeBff());
    expect((await screen.findByRole('alert')).textContent).toMatch(/did not keep the session/);
    expect(assign).not.toHaveBeenCalled();
  });

  it('Sign out posts /auth/logout and leaves for the returned redirectTo', async () => {
    const bff = fakeBff({ session: alice, logoutRedirect: 'http://idp.test/session/end?id_token_hint=x' });
    const { assign } = renderApp('/dashboard', bff);
    fireEvent.click(await screen.findByRole('button', { name: 'Sign out' }));
    await waitFor(() => expect(assign).toHaveBeenCalledWith('http://idp.test/session/end?id_token_hint=x'));
    const logout = bff.calls.find((c) => c.path === '/auth/logout');
    expect(logout?.method).toBe('POST');
  });

  it('refuses a javascript: redirectTo from logout', async () => {
    const bff = fakeBff({ session: alice, logoutRedirect: 'javascript:alert(1)' });
    const { assign } = renderApp('/dashboard', bff);
    fireEvent.click(await screen.findByRole('button', { name: 'Sign out' }));
    await waitFor(() => expect(assign).toHaveBeenCalledWith('/'));
  });
});

describe('sessions', () => {
  const sessions: SessionSummary[] = [
    {
      id: 'other-session-handle',
      current: false,
      createdAt: '2026-11-25T10:00:00.000Z',
      lastSeenAt: '2026-11-25T11:00:00.000Z',
      userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0',
      provider: 'dev',
    },
    {
      id: 'current-session-handle',
      current: true,
      createdAt: '2026-11-26T20:00:00.000Z',
      lastSeenAt: '2026-11-26T20:10:00.000Z',
      userAgent:
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36',
      provider: 'dev',
    },
  ];

  it('lists the sessions, marks the current one, revokes another and reloads', async () => {
    const bff = fakeBff({ session: alice, sessions });
    renderApp('/sessions', bff);
    const list = await screen.findByRole('list', { name: 'Active sessions' });
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(within(items[0]!).getByText('This device')).toBeTruthy();
    expect(within(items[0]!).getByText('Chrome on Linux')).toBeTruthy();
    expect(within(items[1]!).queryByText('This device')).toBeNull();
    expect(screen.getByRole('button', { name: 'Sign out everywhere' })).toBeTruthy();

    fireEvent.click(within(items[1]!).getByRole('button', { name: 'Revoke' }));
    expect(await screen.findByText('Session revoked.')).toBeTruthy();
    await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(1));
    const del = bff.calls.find((c) => c.method === 'DELETE');
    expect(del?.path).toBe('/api/sessions/other-session-handle');
    expect(bff.calls.filter((c) => c.method === 'GET' && c.path === '/api/sessions')).toHaveLength(2);
  });

  it('revoking the current session shows the signed-out home', async () => {
    renderApp('/sessions', fakeBff({ session: alice, sessions }));
    const list = await screen.findByRole('list', { name: 'Active sessions' });
    fireEvent.click(
      within(within(list).getAllByRole('listitem')[0]!).getByRole('button', { name: 'Revoke' }),
    );
    await screen.findByRole('button', { name: 'Sign in with Dev IdP' });
    expect(window.location.pathname).toBe('/');
    expect(screen.queryByText(/Signed in as/)).toBeNull();
  });

  it('Sign out everywhere deletes all sessions and goes home', async () => {
    const bff = fakeBff({ session: alice, sessions });
    renderApp('/sessions', bff);
    fireEvent.click(await screen.findByRole('button', { name: 'Sign out everywhere' }));
    await screen.findByRole('button', { name: 'Sign in with Dev IdP' });
    expect(window.location.pathname).toBe('/');
    expect(bff.calls.some((c) => c.method === 'DELETE' && c.path === '/api/sessions')).toBe(true);
  });

  it('a 401 later (session expired or revoked elsewhere) shows the signed-out home', async () => {
    const bff = fakeBff({ session: alice, sessions });
    renderApp('/sessions', bff);
    const list = await screen.findByRole('list', { name: 'Active sessions' });
    bff.state.session = null; // revoked from another device
    fireEvent.click(
      within(within(list).getAllByRole('listitem')[1]!).getByRole('button', { name: 'Revoke' }),
    );
    await screen.findByRole('button', { name: 'Sign in with Dev IdP' });
    expect(window.location.pathname).toBe('/');
  });

  it('says so politely when the BFF has no session management yet (404)', async () => {
    renderApp('/sessions', fakeBff({ session: alice, sessions: 'not-built' }));
    expect(await screen.findByText('Session management is not available.')).toBeTruthy();
  });
});

describe('errors', () => {
  it('unknown routes get a 404 page', async () => {
    renderApp('/no/such/page', fakeBff());
    expect(await screen.findByRole('heading', { name: 'Page not found' })).toBeTruthy();
  });

  it('a failing API shows one polite error boundary, never a stack trace', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const bff = fakeBff({
      session: alice,
      routes: { 'GET /api/sessions': { status: 500, body: '<html>Error: boom\n at x.js:1</html>' } },
    });
    const { container } = renderApp('/sessions', bff);
    expect(await screen.findByRole('heading', { name: 'Gatehouse is unavailable' })).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toMatch(/ran into a problem/);
    expect(container.textContent).not.toMatch(/boom|at x\.js|Error:/);
  });
});

describe('expiry warning', () => {
  const soon = () => ({ ...alice, idleExpiresAt: new Date(Date.now() + 60_000).toISOString() });

  it('is an alert dialog with focus inside; Escape does not dismiss it; Stay signed in extends the session', async () => {
    const later = { ...alice, idleExpiresAt: new Date(Date.now() + 30 * 60_000).toISOString() };
    const bff = fakeBff({
      session: soon(),
      routes: { 'POST /api/session/extend': { status: 200, body: later } },
    });
    renderApp('/dashboard', bff);
    const dialog = await screen.findByRole('alertdialog', { name: 'Your session is about to end' });
    const stay = within(dialog).getByRole('button', { name: 'Stay signed in' });
    expect(document.activeElement).toBe(stay);
    expect(within(dialog).getByRole('button', { name: 'Sign out' })).toBeTruthy();
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.getByRole('alertdialog')).toBe(dialog);

    fireEvent.click(stay);
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    const extend = bff.calls.find((c) => c.path === '/api/session/extend');
    expect(extend?.method).toBe('POST');
    expect(new Headers(extend?.init?.headers).get('X-CSRF')).toBe('1');
    expect(document.querySelector(`time[datetime="${later.idleExpiresAt}"]`)).not.toBeNull();
  });

  it('before the absolute expiry, says the session cannot be extended and offers no Stay signed in', async () => {
    const ending = { ...alice, expiresAt: new Date(Date.now() + 60_000).toISOString() };
    renderApp('/dashboard', fakeBff({ session: ending }));
    const dialog = await screen.findByRole('alertdialog');
    expect(dialog.textContent).toMatch(/cannot be extended/);
    expect(within(dialog).queryByRole('button', { name: 'Stay signed in' })).toBeNull();
  });
});
