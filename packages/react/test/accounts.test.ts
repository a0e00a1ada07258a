import type { AccountSummary } from '@gatehouse/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAccounts, createGatehouse, GatehouseError, UnauthenticatedError } from '../src/index.ts';
import { aliceSession, BFF, json, stubBff, unauthenticated } from './fixtures.ts';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const bobSession = () =>
  aliceSession(30 * 60_000, {
    user: { sub: 'bob', name: 'Bob Builder', email: 'bob@example.com', picture: null },
  });

function account(sub: string, active: boolean): AccountSummary {
  const session = aliceSession();
  return {
    id: `${sub}-handle`,
    active,
    user: { sub, name: null, email: null, picture: null },
    provider: 'dev',
    createdAt: session.createdAt,
    expiresAt: session.expiresAt,
  };
}

const gatehouse = () => createGatehouse({ bffUrl: BFF, live: false, tabSync: false, refetchOnFocus: false });

describe('createAccounts', () => {
  it('lists, switches and signs out with credentials and the CSRF header; the page then shows the active account', async () => {
    let active = 'alice';
    const { calls } = stubBff({
      'GET /api/accounts': () =>
        json([account('alice', active === 'alice'), account('bob', active === 'bob')]),
      'POST /api/accounts/active': () => {
        active = 'bob';
        return json(bobSession());
      },
      'GET /api/session': () => json(active === 'bob' ? bobSession() : aliceSession()),
      'DELETE /api/accounts/bob-handle': () => {
        active = 'alice';
        return new Response(null, { status: 204 });
      },
      'DELETE /api/accounts': () => new Response(null, { status: 204 }),
    });
    const g = gatehouse();
    await g.session.load();
    const accounts = createAccounts(g);

    expect((await accounts.list()).map((a) => [a.user.sub, a.active])).toEqual([
      ['alice', true],
      ['bob', false],
    ]);
    expect((await accounts.switchTo('bob-handle')).user.sub).toBe('bob');
    expect(g.session.getSnapshot().session?.user.sub).toBe('bob');
    await accounts.signOut('bob-handle');
    expect(g.session.getSnapshot().session?.user.sub).toBe('alice');
    await accounts.signOutAll();
    expect(g.session.getSnapshot()).toMatchObject({ status: 'unauthenticated', ended: 'signed_out' });

    const switched = calls.find((c) => c.method === 'POST')!;
    expect(JSON.parse(String(switched.init?.body))).toEqual({ id: 'bob-handle' });
    for (const call of calls) {
      expect(call.init?.credentials).toBe('include');
      if (call.url.includes('/api/accounts')) {
        expect((call.init?.headers as Record<string, string>)['X-CSRF']).toBe('1');
      }
    }
  });

  it('builds the add-account URL with the provider, a safe returnTo and addAccount=1', () => {
    const url = new URL(createAccounts(gatehouse()).addUrl('octo', '//evil.example'));
    expect(url.origin + url.pathname).toBe(`${BFF}/auth/login`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      provider: 'octo',
      returnTo: '/',
      addAccount: '1',
    });
  });

  it("reports the BFF's refusals as GatehouseError, and a 401 as signed out", async () => {
    stubBff({
      'GET /api/session': () => json(aliceSession()),
      'POST /api/accounts/active': () =>
        json({ error: 'not_found', message: 'This browser holds no such account.' }, 404),
      'GET /api/accounts': () => unauthenticated(),
    });
    const g = gatehouse();
    await g.session.load();
    const accounts = createAccounts(g);
    const refused = await accounts.switchTo('elsewhere').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(GatehouseError);
    expect(refused).toMatchObject({
      status: 404,
      code: 'not_found',
      message: 'This browser holds no such account.',
    });
    expect(g.session.getSnapshot().status).toBe('authenticated');
    await expect(accounts.list()).rejects.toBeInstanceOf(UnauthenticatedError);
    expect(g.session.getSnapshot().status).toBe('unauthenticated');
  });
});
