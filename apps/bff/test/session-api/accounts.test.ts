import { AccountListSchema, SessionInfoSchema, SessionListSchema } from '@gatehouse/shared';
import { signInAtIdp } from '@gatehouse/idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeKeyFor } from '../../src/session/keys.ts';
import { CookieJar, parseSetCookie } from '../support/cookie-jar.ts';
import { EventStreamReader } from '../support/event-stream.ts';
import { csrfHeaders, sessionCookieOf, SPA_ORIGIN, startHarness, type Harness } from '../support/harness.ts';

let h: Harness;
const readers: EventStreamReader[] = [];
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  for (const reader of readers) reader.cancel();
  await h.close();
});

const MINUTE = 60_000;
const bob = { user: 'bob', password: 'builder' } as const;

/** `GET /auth/login?addAccount=1` through the IdP and back, as the SPA's "Add account" does. */
async function addAccount(jar: CookieJar, user = 'bob', password = 'builder'): Promise<Response> {
  const login = await h.request('/auth/login?addAccount=1&returnTo=/dashboard', { jar });
  expect(login.status).toBe(302);
  const { redirectUrl } = await signInAtIdp(login.headers.get('location')!, user, password);
  const callback = new URL(redirectUrl);
  return h.request(`${callback.pathname}${callback.search}`, { jar });
}

async function accounts(jar: CookieJar) {
  const response = await h.request('/api/accounts', { jar, headers: csrfHeaders });
  expect(response.status).toBe(200);
  return AccountListSchema.parse(await response.json());
}

async function whoAmI(jar: CookieJar): Promise<string | null> {
  const response = await h.request('/api/session', { jar, headers: csrfHeaders });
  if (response.status === 401) return null;
  expect(response.status).toBe(200);
  return SessionInfoSchema.parse(await response.json()).user.sub;
}

async function sessionsOf(jar: CookieJar) {
  const response = await h.request('/api/sessions', { jar, headers: csrfHeaders });
  expect(response.status).toBe(200);
  return SessionListSchema.parse(await response.json());
}

const switchTo = (jar: CookieJar, body: string, headers: Record<string, string> = csrfHeaders) =>
  h.request('/api/accounts/active', {
    method: 'POST',
    jar,
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });

/** A browser holding alice (signed in first) and bob (added, active). */
async function aliceAndBob(): Promise<{ jar: CookieJar; alice: string; bob: string }> {
  const jar = new CookieJar();
  await h.signIn(jar);
  expect((await addAccount(jar)).status).toBe(302);
  const held = await accounts(jar);
  return {
    jar,
    alice: held.find((a) => a.user.sub === 'alice')!.id,
    bob: held.find((a) => a.user.sub === 'bob')!.id,
  };
}

describe('several accounts in one browser', () => {
  it('a browser with one account lists it, active, under its session handle', async () => {
    const jar = new CookieJar();
    await h.signIn(jar);
    const [only, ...rest] = await accounts(jar);
    expect(rest).toEqual([]);
    expect(only).toMatchObject({ active: true, provider: 'dev', user: { sub: 'alice' } });
    expect((await sessionsOf(jar)).find((s) => s.current)!.id).toBe(only!.id);
    expect((await h.request('/api/accounts', { headers: csrfHeaders })).status).toBe(401);
  });

  it('adds an account under a new cookie that names only handles; the old cookie value is worthless', async () => {
    const jar = new CookieJar();
    await h.signIn(jar);
    const before = sessionCookieOf(h, jar)!;
    const login = await h.request('/auth/login?addAccount=1', { jar });
    // The provider is asked to show its sign-in, though it still has alice's session.
    expect(new URL(login.headers.get('location')!).searchParams.get('prompt')).toBe('login');

    const callback = await addAccount(jar);
    expect(callback.headers.get('location')).toBe(`${SPA_ORIGIN}/dashboard`);
    const cookie = callback.headers
      .getSetCookie()
      .map(parseSetCookie)
      .find((c) => c.name === h.config.session.cookieName)!;
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookie.value).not.toBe(before);
    expect(cookie.attributes.get('httponly')).toBe(true);
    expect(cookie.attributes.get('path')).toBe('/');
    expect(cookie.attributes.get('samesite')).toBe('lax');
    expect(cookie.attributes.has('domain')).toBe(false);

    expect(await whoAmI(jar)).toBe('bob');
    const held = await accounts(jar);
    expect(held.map((a) => [a.user.sub, a.active])).toEqual([
      ['alice', false],
      ['bob', true],
    ]);
    // What the store keeps for the browser: the handles and the active one, never a cookie value or a token.
    const record = await h.deps.store.getAccounts(storeKeyFor(cookie.value));
    expect(record).toMatchObject({ accounts: held.map((a) => a.id), active: held[1]!.id });
    expect(JSON.stringify(record)).not.toContain(cookie.value);
    expect(JSON.stringify(record)).not.toContain(before);

    const old = new CookieJar();
    old.cookies.set(h.config.session.cookieName, before);
    expect(await whoAmI(old)).toBeNull();
  });

  it('switches among its own accounts without signing in again', async () => {
    const { jar, alice, bob: bobId } = await aliceAndBob();
    const switched = await switchTo(jar, JSON.stringify({ id: alice }));
    expect(switched.status).toBe(200);
    expect(SessionInfoSchema.parse(await switched.json()).user.sub).toBe('alice');
    expect(await whoAmI(jar)).toBe('alice');
    expect((await sessionsOf(jar)).find((s) => s.current)!.id).toBe(alice);
    expect((await accounts(jar)).find((a) => a.active)!.id).toBe(alice);
    expect((await switchTo(jar, JSON.stringify({ id: bobId }))).status).toBe(200);
    expect(await whoAmI(jar)).toBe('bob');
  });

  it("refuses a switch to another browser's session, even the same user's, with 404", async () => {
    const { jar } = await aliceAndBob();
    const elsewhere = new CookieJar();
    await h.signIn(elsewhere); // alice, in another browser
    const carol = new CookieJar();
    await h.signIn(carol, bob);
    for (const other of [elsewhere, carol]) {
      const handle = (await sessionsOf(other)).find((s) => s.current)!.id;
      const response = await switchTo(jar, JSON.stringify({ id: handle }));
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ error: 'not_found' });
    }
    expect(await whoAmI(jar)).toBe('bob');
    // A browser with one account holds no other.
    const mine = (await accounts(jar))[0]!.id;
    expect((await switchTo(elsewhere, JSON.stringify({ id: mine }))).status).toBe(404);
    expect(await whoAmI(elsewhere)).toBe('alice');
  });

  it('answers bad switch requests with a clear 400, and CSRF as on every /api route', async () => {
    const { jar, alice } = await aliceAndBob();
    for (const body of [
      '',
      'not json',
      '[]',
      '{}',
      '{"id": 42}',
      '{"id": "x"}',
      `{"id": "${'A'.repeat(44)}"}`,
    ]) {
      const response = await switchTo(jar, body);
      expect(response.status, body).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'invalid_request', message: expect.any(String) });
    }
    const noHeader = await switchTo(jar, JSON.stringify({ id: alice }), {});
    expect(noHeader.status).toBe(403);
    expect(await noHeader.json()).toMatchObject({ error: 'csrf' });
    const foreign = await switchTo(jar, JSON.stringify({ id: alice }), {
      ...csrfHeaders,
      Origin: 'https://evil.example',
    });
    expect(foreign.status).toBe(403);
    for (const method of ['GET', 'DELETE']) {
      const path = method === 'GET' ? '/api/accounts' : `/api/accounts/${alice}`;
      expect((await h.request(path, { method, jar })).status).toBe(403);
    }
    expect(await whoAmI(jar)).toBe('bob');
  });

  it('signs out of one account; the other stays and becomes active', async () => {
    const { jar, alice, bob: bobId } = await aliceAndBob();
    const foreign = new CookieJar();
    await h.signIn(foreign, bob);
    const foreignId = (await sessionsOf(foreign)).find((s) => s.current)!.id;
    expect(
      (await h.request(`/api/accounts/${foreignId}`, { method: 'DELETE', jar, headers: csrfHeaders })).status,
    ).toBe(404);
    expect(await whoAmI(foreign)).toBe('bob');

    const cookie = sessionCookieOf(h, jar);
    const out = await h.request(`/api/accounts/${bobId}`, { method: 'DELETE', jar, headers: csrfHeaders });
    expect(out.status).toBe(204);
    expect(sessionCookieOf(h, jar)).toBe(cookie);
    expect(await h.deps.store.get(bobId)).toBeNull();
    expect(await whoAmI(jar)).toBe('alice');
    expect((await accounts(jar)).map((a) => a.id)).toEqual([alice]);
  });

  it('POST /auth/logout ends the active account only; the last one clears the cookie', async () => {
    const { jar, alice, bob: bobId } = await aliceAndBob();
    const first = await h.request('/auth/logout', { method: 'POST', jar, headers: csrfHeaders });
    expect(first.status).toBe(200);
    const { redirectTo } = (await first.json()) as { redirectTo: string };
    expect(new URL(redirectTo).origin).toBe(h.idp.issuer); // bob's RP-initiated logout
    expect(await h.deps.store.get(bobId)).toBeNull();
    expect(await whoAmI(jar)).toBe('alice');

    const last = await h.request('/auth/logout', { method: 'POST', jar, headers: csrfHeaders });
    expect(last.status).toBe(200);
    expect(sessionCookieOf(h, jar)).toBeUndefined();
    expect(await h.deps.store.get(alice)).toBeNull();
  });

  it('signs out of every account at once; the cookie is then worthless', async () => {
    const { jar, alice, bob: bobId } = await aliceAndBob();
    const cookie = sessionCookieOf(h, jar)!;
    const out = await h.request('/api/accounts', { method: 'DELETE', jar, headers: csrfHeaders });
    expect(out.status).toBe(204);
    expect(sessionCookieOf(h, jar)).toBeUndefined();
    expect(await h.deps.store.get(alice)).toBeNull();
    expect(await h.deps.store.get(bobId)).toBeNull();
    expect(await h.deps.store.getAccounts(storeKeyFor(cookie))).toBeNull();
    const replay = new CookieJar();
    replay.cookies.set(h.config.session.cookieName, cookie);
    expect(await whoAmI(replay)).toBeNull();
  });

  it("a revocation from another browser's session list ends that account only", async () => {
    const { jar, alice } = await aliceAndBob();
    const bobsPhone = new CookieJar();
    await h.signIn(bobsPhone, bob);
    const everywhere = await h.request('/api/sessions', {
      method: 'DELETE',
      jar: bobsPhone,
      headers: csrfHeaders,
    });
    expect(everywhere.status).toBe(204);
    // Bob was the active account: the browser goes on as alice.
    expect(await whoAmI(jar)).toBe('alice');
    expect((await accounts(jar)).map((a) => a.id)).toEqual([alice]);
  });

  it('revoking the current session from its own session list keeps the other account', async () => {
    const { jar, alice, bob: bobId } = await aliceAndBob();
    const revoke = await h.request(`/api/sessions/${bobId}`, { method: 'DELETE', jar, headers: csrfHeaders });
    expect(revoke.status).toBe(204);
    expect(sessionCookieOf(h, jar)).toBeDefined();
    expect(await whoAmI(jar)).toBe('alice');
    const everywhere = await h.request('/api/sessions', { method: 'DELETE', jar, headers: csrfHeaders });
    expect(everywhere.status).toBe(204);
    expect(await whoAmI(jar)).toBeNull();
    expect(await h.deps.store.get(alice)).toBeNull();
  });

  it('each account has its own idle expiry; with none left the record is gone from the store', async () => {
    const { jar } = await aliceAndBob();
    const cookie = sessionCookieOf(h, jar)!;
    h.clock.advance(20 * MINUTE);
    expect(await whoAmI(jar)).toBe('bob'); // slides bob's idle expiry, not alice's
    h.clock.advance(20 * MINUTE);
    expect((await accounts(jar)).map((a) => a.user.sub)).toEqual(['bob']);
    h.clock.advance(31 * MINUTE);
    expect(await whoAmI(jar)).toBeNull();
    expect(await h.deps.store.getAccounts(storeKeyFor(cookie))).toBeNull();
  });

  it('adding an account the browser already holds replaces its session', async () => {
    const { jar, alice } = await aliceAndBob();
    expect((await addAccount(jar, 'alice', 'wonderland')).status).toBe(302);
    const held = await accounts(jar);
    expect(held.map((a) => [a.user.sub, a.active])).toEqual([
      ['bob', false],
      ['alice', true],
    ]);
    expect(held.map((a) => a.id)).not.toContain(alice);
    expect(await h.deps.store.get(alice)).toBeNull();
  });

  it('refuses addAccount values and combinations it cannot honour with a clear 400', async () => {
    for (const query of [
      'addAccount=yes',
      'addAccount=1&addAccount=1',
      'addAccount=1&prompt=none',
      'addAccount=1&acr=urn:gold',
    ]) {
      const response = await h.request(`/auth/login?${query}`);
      expect(response.status, query).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'invalid_request', message: expect.any(String) });
    }
  });

  it('the event stream follows the browser from account to account, and ends with the last', async () => {
    const { jar, alice, bob: bobId } = await aliceAndBob();
    const response = await h.request('/api/session/events', {
      jar,
      headers: { Accept: 'text/event-stream', Origin: SPA_ORIGIN },
    });
    expect(response.status).toBe(200);
    const reader = new EventStreamReader(response);
    readers.push(reader);
    // The request that switches slides the idle expiry of the account it came as: a `session` of that one first.
    const subOf = async (awaited: string) => {
      for (let skipped = 0; ; skipped++) {
        const event = await reader.next();
        expect(event.event).toBe('session');
        const { sub } = SessionInfoSchema.parse(event.data).user;
        if (sub === awaited || skipped === 2) return sub;
      }
    };
    expect(await subOf('bob')).toBe('bob');
    await switchTo(jar, JSON.stringify({ id: alice }));
    expect(await subOf('alice')).toBe('alice');
    // Revoked from alice's other browser: this one goes on as bob.
    const elsewhere = new CookieJar();
    await h.signIn(elsewhere);
    const revoke = await h.request(`/api/sessions/${alice}`, {
      method: 'DELETE',
      jar: elsewhere,
      headers: csrfHeaders,
    });
    expect(revoke.status).toBe(204);
    expect(await subOf('bob')).toBe('bob');
    await h.request(`/api/accounts/${bobId}`, { method: 'DELETE', jar, headers: csrfHeaders });
    let last = await reader.next();
    if (last.event === 'session') last = await reader.next(); // the sign-out's own slide, as above
    expect(last).toEqual({ event: 'ended', data: { reason: 'signed_out' } });
    await reader.ended;
  });
});
