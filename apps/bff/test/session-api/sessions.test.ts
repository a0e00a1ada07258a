import { SessionListSchema } from '@gatehouse/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar } from '../support/cookie-jar.ts';
import { csrfHeaders, sessionCookieOf, startHarness, type Harness } from '../support/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

async function list(jar: CookieJar) {
  const response = await h.request('/api/sessions', { jar, headers: csrfHeaders });
  expect(response.status).toBe(200);
  return SessionListSchema.parse(await response.json());
}

describe('session management', () => {
  it("lists the user's sessions, marks the current one and never shows a cookie value", async () => {
    const laptop = new CookieJar();
    const phone = new CookieJar();
    await h.signIn(laptop);
    await h.signIn(phone);
    const sessions = await list(laptop);
    expect(sessions.length).toBeGreaterThanOrEqual(2);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    const ids = sessions.map((s) => s.id);
    expect(ids).not.toContain(sessionCookieOf(h, laptop));
    expect(ids).not.toContain(sessionCookieOf(h, phone));
    expect(sessions.every((s) => s.provider === 'dev')).toBe(true);
  });

  it("revokes another of the user's sessions at once, and refuses another user's handle with 404", async () => {
    const laptop = new CookieJar();
    const phone = new CookieJar();
    const bob = new CookieJar();
    await h.signIn(laptop);
    await h.signIn(phone);
    await h.signIn(bob, { user: 'bob', password: 'builder' });
    const phoneId = (await list(phone)).find((s) => s.current)!.id;
    const bobId = (await list(bob)).find((s) => s.current)!.id;

    const foreign = await h.request(`/api/sessions/${bobId}`, {
      method: 'DELETE',
      jar: laptop,
      headers: csrfHeaders,
    });
    expect(foreign.status).toBe(404);
    expect((await h.request('/api/session', { jar: bob, headers: csrfHeaders })).status).toBe(200);

    const revoke = await h.request(`/api/sessions/${phoneId}`, {
      method: 'DELETE',
      jar: laptop,
      headers: csrfHeaders,
    });
    expect(revoke.status).toBe(204);
    expect((await h.request('/api/session', { jar: phone, headers: csrfHeaders })).status).toBe(401);
    expect((await h.request('/api/session', { jar: laptop, headers: csrfHeaders })).status).toBe(200);
  });

  it('refuses malformed handles with 404', async () => {
    const jar = new CookieJar();
    await h.signIn(jar);
    for (const id of ['x', '..%2F..', 'A'.repeat(43)]) {
      const response = await h.request(`/api/sessions/${id}`, {
        method: 'DELETE',
        jar,
        headers: csrfHeaders,
      });
      expect(response.status).toBe(404);
    }
  });

  it('signs the user out everywhere, and only that user', async () => {
    const a1 = new CookieJar();
    const a2 = new CookieJar();
    const bob = new CookieJar();
    await h.signIn(a1);
    await h.signIn(a2);
    await h.signIn(bob, { user: 'bob', password: 'builder' });
    const response = await h.request('/api/sessions', { method: 'DELETE', jar: a1, headers: csrfHeaders });
    expect(response.status).toBe(204);
    expect((await h.request('/api/session', { jar: a1, headers: csrfHeaders })).status).toBe(401);
    expect((await h.request('/api/session', { jar: a2, headers: csrfHeaders })).status).toBe(401);
    expect(await h.deps.store.listByUser('dev', 'alice')).toEqual([]);
    expect((await h.request('/api/session', { jar: bob, headers: csrfHeaders })).status).toBe(200);
  });
});
