import type { AccountSummary, SessionInfo } from '@gatehouse/shared';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { alice, BFF, fakeBff } from './fake-bff.ts';
import { renderApp } from './render.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const bob: SessionInfo = {
  ...alice,
  user: { sub: '1002', name: 'Bob Builder', email: 'bob@example.com', picture: null },
  provider: 'octo',
};

const summary = (session: SessionInfo, id: string, active: boolean): AccountSummary => ({
  id,
  active,
  user: session.user,
  provider: session.provider,
  createdAt: session.createdAt,
  expiresAt: session.expiresAt,
});

/** A BFF whose browser holds alice and bob, `active` the one it acts as. */
function twoAccounts() {
  const held = new Map([
    ['alice-id', alice],
    ['bob-id', bob],
  ]);
  let active = 'alice-id';
  const bff = fakeBff({
    session: alice,
    providers: [
      { name: 'dev', label: 'Dev IdP', available: true },
      { name: 'octo', label: 'Octo (GitHub-like)', available: true },
    ],
    routes: {
      'GET /api/session': () => ({ status: 200, body: held.get(active) }),
      'GET /api/accounts': () => ({
        status: 200,
        body: [...held].map(([id, session]) => summary(session, id, id === active)),
      }),
      'POST /api/accounts/active': () => {
        active = 'bob-id';
        return { status: 200, body: bob };
      },
      'DELETE /api/accounts/alice-id': () => {
        held.delete('alice-id');
        active = 'bob-id';
        return { status: 204 };
      },
    },
  });
  return bff;
}

describe('the account switcher on the dashboard', () => {
  it('switches to another account without signing in, and signs one out', async () => {
    const bff = twoAccounts();
    renderApp('/dashboard', bff);
    expect(await screen.findByText('Welcome, Alice Liddell.')).toBeTruthy();
    fireEvent.click(await screen.findByRole('button', { name: 'Switch to Bob Builder' }));
    expect(await screen.findByText('Welcome, Bob Builder.')).toBeTruthy();
    const switched = bff.calls.find((c) => c.path === '/api/accounts/active')!;
    expect(JSON.parse(String(switched.init?.body))).toEqual({ id: 'bob-id' });

    fireEvent.click(await screen.findByRole('button', { name: 'Sign Alice Liddell out' }));
    expect(await screen.findByText('Alice Liddell is signed out.')).toBeTruthy();
    await waitFor(() =>
      expect(screen.getByRole('list', { name: 'Accounts' }).textContent).not.toMatch(/Alice/),
    );
    expect(screen.getByText('Welcome, Bob Builder.')).toBeTruthy();
    // The dashboard's own button is still the one and only "Sign out".
    expect(screen.getAllByRole('button', { name: /^Sign out/ })).toHaveLength(1);
  });

  it('adds an account with each provider through the login with addAccount=1', async () => {
    const { assign } = renderApp('/dashboard', twoAccounts());
    fireEvent.click(await screen.findByRole('button', { name: 'Add account with Octo (GitHub-like)' }));
    expect(assign).toHaveBeenCalledWith(`${BFF}/auth/login?provider=octo&returnTo=%2Fdashboard&addAccount=1`);
  });
});
