import { afterEach, describe, expect, it, vi } from 'vitest';
import { BffError, createBffClient, UnauthenticatedError } from '../src/api/bff.ts';
import { browser } from '../src/lib/browser.ts';
import { alice, BFF, fakeBff } from './fake-bff.ts';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

function stubbed(bff = fakeBff({ session: alice })) {
  vi.stubGlobal('fetch', bff.fetch);
  const assign = vi.spyOn(browser, 'assign').mockImplementation(() => {});
  return { bff, assign, client: createBffClient(`${BFF}/`) };
}

function answering(status: number, body: string | null, contentType = 'application/json') {
  vi.stubGlobal(
    'fetch',
    vi.fn(async () => new Response(body, { status, headers: { 'Content-Type': contentType } })),
  );
  return createBffClient(BFF);
}

describe('BFF client', () => {
  it('sends every call with credentials, the CSRF header and Accept: application/json', async () => {
    const { bff, client } = stubbed(
      fakeBff({
        session: alice,
        sessions: [
          {
            id: 'h1',
            current: false,
            createdAt: alice.createdAt,
            lastSeenAt: alice.createdAt,
            userAgent: null,
            provider: 'dev',
          },
        ],
      }),
    );
    await client.getSession();
    await client.getProviders();
    await client.listSessions();
    await client.revokeSession('h1');
    await client.revokeAllSessions();
    await client.logout();
    expect(bff.calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      `GET ${BFF}/api/session`,
      `GET ${BFF}/auth/providers`,
      `GET ${BFF}/api/sessions`,
      `DELETE ${BFF}/api/sessions/h1`,
      `DELETE ${BFF}/api/sessions`,
      `POST ${BFF}/auth/logout`,
    ]);
    for (const call of bff.calls) {
      expect(call.init?.credentials).toBe('include');
      const headers = new Headers(call.init?.headers);
      expect(headers.get('X-CSRF')).toBe('1');
      expect(headers.get('Accept')).toBe('application/json');
    }
  });

  it('getSession returns the validated SessionInfo, and null on 401 (signed out is not an error)', async () => {
    const { client, bff } = stubbed();
    expect(await client.getSession()).toEqual(alice);
    bff.state.session = null;
    expect(await client.getSession()).toBeNull();
  });

  it('surfaces the {error, message} body of a failure', async () => {
    const client = answering(
      503,
      JSON.stringify({ error: 'store_unavailable', message: 'The store is down.' }),
    );
    const failure = await client.getSession().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(BffError);
    expect(failure).toMatchObject({ status: 503, code: 'store_unavailable', message: 'The store is down.' });
  });

  it('turns a non-JSON failure (an HTML error page) into a polite message', async () => {
    const client = answering(502, '<html><body>Bad gateway at line 3</body></html>', 'text/html');
    await expect(client.getProviders()).rejects.toMatchObject({
      status: 502,
      message: 'The Gatehouse service ran into a problem. Please try again later.',
    });
  });

  it('rejects a body that does not match the shared schema', async () => {
    const client = answering(200, JSON.stringify({ ...alice, expiresAt: 'tomorrow' }));
    await expect(client.getSession()).rejects.toMatchObject({ code: 'invalid_response' });
    const providers = answering(200, JSON.stringify([{ name: 'dev' }]));
    await expect(providers.getProviders()).rejects.toMatchObject({ code: 'invalid_response' });
  });

  it('a 401 elsewhere is an UnauthenticatedError', async () => {
    const client = answering(401, JSON.stringify({ error: 'unauthenticated', message: 'Please sign in.' }));
    await expect(client.listSessions()).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('an unreachable BFF is a polite BffError', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));
    await expect(createBffClient(BFF).getProviders()).rejects.toMatchObject({
      status: 0,
      code: 'network',
      message: expect.stringMatching(/could not be reached/),
    });
  });

  it('logout posts and then navigates to redirectTo; already signed out means home', async () => {
    const { client, assign, bff } = stubbed(
      fakeBff({ session: alice, logoutRedirect: 'http://idp.test/end' }),
    );
    await client.logout();
    expect(assign).toHaveBeenLastCalledWith('http://idp.test/end');
    bff.state.session = null;
    const again = answering(401, JSON.stringify({ error: 'unauthenticated', message: 'x' }));
    await again.logout();
    expect(assign).toHaveBeenLastCalledWith('/');
  });

  it('loginUrl points at the BFF with provider and a same-site returnTo', () => {
    const client = createBffClient(`${BFF}/`);
    const url = new URL(client.loginUrl('dev', '/dashboard?tab=2'));
    expect(`${url.origin}${url.pathname}`).toBe(`${BFF}/auth/login`);
    expect(url.searchParams.get('provider')).toBe('dev');
    expect(url.searchParams.get('returnTo')).toBe('/dashboard?tab=2');
    for (const evil of [
      '//evil.example/x',
      'https://evil.example/',
      '/\\evil.example',
      'javascript:alert(1)',
    ]) {
      expect(new URL(client.loginUrl('dev', evil)).searchParams.get('returnTo')).toBe('/');
    }
    expect(new URL(client.loginUrl(undefined, '/')).searchParams.has('provider')).toBe(false);
  });

  it('escapes a session id in the path', async () => {
    const { client, bff } = stubbed();
    await client.revokeSession('../a b').catch(() => {});
    expect(bff.calls.at(-1)?.url).toBe(`${BFF}/api/sessions/..%2Fa%20b`);
  });
});
