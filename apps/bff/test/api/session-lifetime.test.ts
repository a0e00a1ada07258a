import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileStore } from '../../src/session/file-store.ts';
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
