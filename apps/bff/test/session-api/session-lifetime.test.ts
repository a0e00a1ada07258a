import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileStore } from '../../src/store/file-store.ts';
import { storeKeyFor } from '../../src/session/keys.ts';
import { CookieJar } from '../support/cookie-jar.ts';
import { csrfHeaders, sessionCookieOf, startHarness, type Harness } from '../support/harness.ts';

const MINUTE = 60_000;

describe('idle and absolute expiry, with an injected clock', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { SESSION_IDLE_TIMEOUT: '1800', SESSION_ABSOLUTE_TIMEOUT: '7200' } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('ends an idle session after 30 minutes and removes it from the store', async () => {
    const jar = new CookieJar();
    await h.signIn(jar);
    const before = (await h.deps.store.listByUser('dev', 'alice')).length;
    h.clock.advance(30 * MINUTE + 1);
    const response = await h.request('/api/session', { jar, headers: csrfHeaders });
    expect(response.status).toBe(401);
    expect((await h.deps.store.listByUser('dev', 'alice')).length).toBeLessThan(before);
  });

  it('slides the idle expiry while used, and checks without sliding on ?slide=false', async () => {
    const jar = new CookieJar();
    await h.signIn(jar);
    const first = (await (await h.request('/api/session', { jar, headers: csrfHeaders })).json()) as {
      idleExpiresAt: string;
    };
    h.clock.advance(20 * MINUTE);
    const peek = (await (
      await h.request('/api/session?slide=false', { jar, headers: csrfHeaders })
    ).json()) as {
      idleExpiresAt: string;
    };
    expect(peek.idleExpiresAt).toBe(first.idleExpiresAt);
    const slid = (await (await h.request('/api/session', { jar, headers: csrfHeaders })).json()) as {
      idleExpiresAt: string;
    };
    expect(Date.parse(slid.idleExpiresAt) - Date.parse(first.idleExpiresAt)).toBe(20 * MINUTE);
    h.clock.advance(20 * MINUTE); // 40 minutes after sign-in, 20 after the last use
    expect((await h.request('/api/session', { jar, headers: csrfHeaders })).status).toBe(200);
  });

  it('ends a session at its absolute lifetime however busy it is', async () => {
    const jar = new CookieJar();
    await h.signIn(jar);
    for (let i = 0; i < 7; i += 1) {
      h.clock.advance(15 * MINUTE);
      expect((await h.request('/api/session', { jar, headers: csrfHeaders })).status).toBe(200);
    }
    h.clock.advance(15 * MINUTE); // two hours after sign-in, 15 minutes after the last use
    const response = await h.request('/api/session', { jar, headers: csrfHeaders });
    expect(response.status).toBe(401);
  });
});

describe('the file store keeps sessions across a BFF restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-restart-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts the same cookie after the BFF restarts', async () => {
    const file = join(dir, 'sessions.sqlite');
    const first = await startHarness({
      env: { SESSION_STORE: 'file', SESSION_FILE: file },
      store: (clock) => createFileStore({ path: file, clock: clock.now }),
    });
    const jar = new CookieJar();
    await first.signIn(jar);
    const cookie = sessionCookieOf(first, jar)!;
    expect((await first.request('/api/session', { jar, headers: csrfHeaders })).status).toBe(200);
    const port = Number(new URL(first.bffUrl).port);
    await first.close();

    const second = await startHarness({
      port,
      env: { SESSION_STORE: 'file', SESSION_FILE: file },
      store: (clock) => createFileStore({ path: file, clock: clock.now }),
    });
    try {
      const response = await second.request('/api/session', {
        headers: { ...csrfHeaders, cookie: `__Host-gatehouse=${cookie}` },
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ user: { sub: 'alice' } });
    } finally {
      await second.close();
    }
  });
});

describe('sliding expiry without a write per request', () => {
  it('moves idleExpiresAt at most once per touch interval, and tells the truth about it', async () => {
    const h = await startHarness({ env: { SESSION_TOUCH_INTERVAL: '60' } });
    try {
      const jar = new CookieJar();
      await h.signIn(jar);
      const read = async () =>
        (
          (await (await h.request('/api/session', { jar, headers: csrfHeaders })).json()) as {
            idleExpiresAt: string;
          }
        ).idleExpiresAt;
      const signedIn = await read();
      h.clock.advance(30_000);
      expect(await read()).toBe(signedIn); // within the interval: no write, and the answer says so
      const stored = (await h.deps.store.listByUser('dev', 'alice'))[0]![1];
      expect(new Date(stored.idleExpiresAt).toISOString()).toBe(signedIn);
      h.clock.advance(31_000);
      const slid = await read();
      expect(Date.parse(slid) - Date.parse(signedIn)).toBe(61_000);
      const after = (await h.deps.store.listByUser('dev', 'alice'))[0]![1];
      expect(new Date(after.idleExpiresAt).toISOString()).toBe(slid);
    } finally {
      await h.close();
    }
  });
});

describe('encryption key rotation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-rotation-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps sessions sealed with the old key alive and seals new ones with the new key', async () => {
    const file = join(dir, 'sessions.sqlite');
    const k1 = { id: 'k1', key: randomBytes(32) };
    const k2 = { id: 'k2', key: randomBytes(32) };
    const store = (clock: { now: () => number }) => createFileStore({ path: file, clock: clock.now });
    const before = await startHarness({ store, encryptionKeys: [k1] });
    const jar = new CookieJar();
    await before.signIn(jar);
    const cookie = sessionCookieOf(before, jar)!;
    const port = Number(new URL(before.bffUrl).port);
    await before.close({ keepIdp: true });

    const after = await startHarness({ store, encryptionKeys: [k2, k1], idp: before.idp, port });
    try {
      const old = (await after.deps.store.get(storeKeyFor(cookie)))!;
      expect(old.tokens.startsWith('v1.k1.')).toBe(true);
      // Logging out opens the old tokens (for id_token_hint): it works with k1 still configured.
      const logout = await after.request('/auth/logout', {
        method: 'POST',
        headers: { ...csrfHeaders, cookie: `__Host-gatehouse=${cookie}` },
      });
      expect(((await logout.json()) as { redirectTo: string }).redirectTo).toContain('id_token_hint=');
      const fresh = new CookieJar();
      await after.signIn(fresh);
      const sealed = (await after.deps.store.get(storeKeyFor(sessionCookieOf(after, fresh)!)))!.tokens;
      expect(sealed.startsWith('v1.k2.')).toBe(true);
    } finally {
      await after.close();
      await before.idp.close();
    }
  });
});
