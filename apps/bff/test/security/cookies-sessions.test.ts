import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWellFormedSessionId, newSessionId, storeKeyFor } from '../../src/session/keys.ts';
import { CookieJar, parseSetCookie } from '../support/cookie-jar.ts';
import { csrfHeaders, sessionCookieOf, startHarness, type Harness } from '../support/harness.ts';

/**
 * The session cookie against an attacker who can plant, guess, tamper with or replay it (ASVS 5.0 V3.3, V7.2,
 * V7.4; BCP for browser-based apps §6.1.3.2).
 */
const COOKIE = '__Host-gatehouse';
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const sessionWith = (cookie: string) =>
  h.request('/api/session?slide=false', { headers: { ...csrfHeaders, cookie } });

async function signedIn(user = 'alice', password = 'wonderland'): Promise<{ jar: CookieJar; id: string }> {
  const jar = new CookieJar();
  await h.signIn(jar, { user, password });
  return { jar, id: sessionCookieOf(h, jar)! };
}

describe('cookie attributes', () => {
  it('clears the cookie on logout with the attributes a __Host- cookie needs to be cleared at all', async () => {
    const { jar } = await signedIn();
    const response = await h.request('/auth/logout', { method: 'POST', jar, headers: csrfHeaders });
    const cleared = response.headers
      .getSetCookie()
      .map(parseSetCookie)
      .find((c) => c.name === COOKIE)!;
    expect(cleared.value).toBe('');
    expect(cleared.attributes.get('secure')).toBe(true);
    expect(cleared.attributes.get('path')).toBe('/');
    expect(cleared.attributes.has('domain')).toBe(false);
    expect(Date.parse(cleared.attributes.get('expires') as string)).toBeLessThan(Date.now());
  });

  it('keeps the value small and opaque: no user data, no token, well under 4096 bytes', async () => {
    const { jar } = await signedIn();
    const cookie = (await h.signIn(jar)).headers
      .getSetCookie()
      .find((c) => c.startsWith(`${COOKIE}=`) && !c.startsWith(`${COOKIE}=;`))!;
    expect(cookie.length).toBeLessThan(300);
    expect(cookie).not.toMatch(/alice|eyJ/);
  });

  it('sets SameSite=Strict when configured so', async () => {
    const strict = await startHarness({ env: { SESSION_COOKIE_SAMESITE: 'strict' } });
    try {
      const jar = new CookieJar();
      const callback = await strict.signIn(jar);
      const cookie = callback.headers
        .getSetCookie()
        .map(parseSetCookie)
        .find((c) => c.name === COOKIE && c.value !== '')!;
      expect(cookie.attributes.get('samesite')).toBe('strict');
      expect(cookie.attributes.get('httponly')).toBe(true);
    } finally {
      await strict.close();
    }
  });
});

describe('session fixation', () => {
  it('never adopts a cookie value planted before sign-in', async () => {
    const planted = newSessionId();
    const jar = new CookieJar();
    jar.cookies.set(COOKIE, planted);
    await h.signIn(jar);
    const issued = sessionCookieOf(h, jar)!;
    expect(issued).not.toBe(planted);
    expect((await sessionWith(`${COOKIE}=${planted}`)).status).toBe(401);
    expect(await h.deps.store.get(storeKeyFor(planted))).toBeNull();
  });

  it("never hands the victim's session to the attacker who planted their own live session id", async () => {
    const attacker = await signedIn('bob', 'builder');
    const victim = new CookieJar();
    victim.cookies.set(COOKIE, attacker.id);
    await h.signIn(victim, { user: 'alice', password: 'wonderland' });
    expect(sessionCookieOf(h, victim)).not.toBe(attacker.id);
    // The sign-in replaced whatever session the browser presented: the planted id now names nothing.
    expect((await sessionWith(`${COOKIE}=${attacker.id}`)).status).toBe(401);
    const own = await h.request('/api/session', { jar: victim, headers: csrfHeaders });
    expect(await own.json()).toMatchObject({ user: { sub: 'alice' } });
  });
});

describe('session id entropy', () => {
  it('draws 256 bits from the CSPRNG: 43 base64url characters, no repeats, every bit unbiased', () => {
    const samples = Array.from({ length: 4000 }, () => newSessionId());
    expect(new Set(samples).size).toBe(samples.length);
    const ones = new Array<number>(256).fill(0);
    for (const id of samples) {
      expect(isWellFormedSessionId(id)).toBe(true);
      const bytes = Buffer.from(id, 'base64url');
      expect(bytes.length).toBe(32);
      bytes.forEach((byte, i) => {
        for (let bit = 0; bit < 8; bit += 1) if (byte & (1 << bit)) ones[i * 8 + bit]! += 1;
      });
    }
    // Each bit is set in about half the samples: 4000 draws put 45–55 % ten standard deviations apart.
    for (const count of ones) {
      expect(count / samples.length).toBeGreaterThan(0.42);
      expect(count / samples.length).toBeLessThan(0.58);
    }
  });

  it('issues a distinct, well-formed id at every sign-in; the store only knows its hash', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 8; i += 1) {
      const { id } = await signedIn();
      expect(isWellFormedSessionId(id)).toBe(true);
      ids.add(id);
      expect(await h.deps.store.get(id)).toBeNull();
      expect(await h.deps.store.get(storeKeyFor(id))).not.toBeNull();
    }
    expect(ids.size).toBe(8);
  });
});

describe('tampered, truncated, duplicated and oversized cookies', () => {
  it.each([
    ['one character changed', (id: string) => `${id.slice(0, -1)}${id.endsWith('A') ? 'B' : 'A'}`],
    ['truncated by one', (id: string) => id.slice(0, -1)],
    ['extended by one', (id: string) => `${id}A`],
    ['upper-cased', (id: string) => id.toUpperCase()],
    ['its store key (hash) instead of the id', (id: string) => storeKeyFor(id)],
    ['percent-encoded', (id: string) => encodeURIComponent(`${id}=`)],
    ['with a signature suffix', (id: string) => `${id}.sig`],
  ])('treats a cookie %s as no session (401)', async (_name, change) => {
    const { id } = await signedIn();
    const changed = change(id);
    if (changed === id) return;
    const response = await sessionWith(`${COOKIE}=${changed}`);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'unauthenticated' });
    expect((await sessionWith(`${COOKIE}=${id}`)).status).toBe(200);
  });

  it('answers for the first of two duplicated session cookies and never mixes them', async () => {
    const alice = await signedIn();
    const bob = await signedIn('bob', 'builder');
    const first = await sessionWith(`${COOKIE}=${alice.id}; ${COOKIE}=${bob.id}`);
    expect(await first.json()).toMatchObject({ user: { sub: 'alice' } });
    const swapped = await sessionWith(`${COOKIE}=${bob.id}; ${COOKIE}=${alice.id}`);
    expect(await swapped.json()).toMatchObject({ user: { sub: 'bob' } });
    // The first cookie decides, even when it is garbage: 401, and the second is never looked up.
    const garbageFirst = await sessionWith(`${COOKIE}=garbage; ${COOKIE}=${alice.id}`);
    expect(garbageFirst.status).toBe(401);
    expect(await garbageFirst.json()).toMatchObject({ error: 'unauthenticated' });
    expect((await sessionWith(`${COOKIE}=${alice.id}`)).status).toBe(200);
  });

  it('answers an oversized cookie with JSON: 401 under the header limit, 431 above it', async () => {
    const big = await sessionWith(`${COOKIE}=${'a'.repeat(8 * 1024)}`);
    expect(big.status).toBe(401);
    expect(await big.json()).toMatchObject({ error: 'unauthenticated' });
    const huge = await sessionWith(`${COOKIE}=${'a'.repeat(20 * 1024)}`);
    expect(huge.status).toBe(431);
    expect(await huge.json()).toMatchObject({ error: 'invalid_request' });
  });
});

describe('a cookie is worthless once its session ends', () => {
  it('after the session is revoked from another device', async () => {
    const laptop = await signedIn();
    const phone = new CookieJar();
    await h.signIn(phone);
    await h.request(`/api/sessions/${storeKeyFor(laptop.id)}`, {
      method: 'DELETE',
      jar: phone,
      headers: csrfHeaders,
    });
    expect((await sessionWith(`${COOKIE}=${laptop.id}`)).status).toBe(401);
    expect(await h.deps.store.get(storeKeyFor(laptop.id))).toBeNull();
  });

  it('after signing out everywhere', async () => {
    const one = await signedIn('bob', 'builder');
    const two = await signedIn('bob', 'builder');
    const out = await h.request('/api/sessions', { method: 'DELETE', jar: two.jar, headers: csrfHeaders });
    expect(out.status).toBe(204);
    for (const { id } of [one, two]) {
      expect((await sessionWith(`${COOKIE}=${id}`)).status).toBe(401);
      expect(await h.deps.store.get(storeKeyFor(id))).toBeNull();
    }
  });

  it('after logout, even replayed with the CSRF header and the SPA origin', async () => {
    const { jar, id } = await signedIn();
    await h.request('/auth/logout', { method: 'POST', jar, headers: csrfHeaders });
    const replay = await h.request('/api/sessions', {
      headers: { ...csrfHeaders, origin: 'http://localhost:5173', cookie: `${COOKIE}=${id}` },
    });
    expect(replay.status).toBe(401);
    const revokeAll = await h.request('/api/sessions', {
      method: 'DELETE',
      headers: { ...csrfHeaders, cookie: `${COOKIE}=${id}` },
    });
    expect(revokeAll.status).toBe(401);
  });
});
