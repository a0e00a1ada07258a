import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileStore } from '../../src/store/file-store.ts';
import { storeKeyFor } from '../../src/session/keys.ts';
import { createRedisStore } from '../../src/store/redis-store.ts';
import type { SessionStore } from '../../src/store/store.ts';
import { openTokens } from '../../src/tokens/sealed-tokens.ts';
import { closeSharedAdmin, keysUnder, REDIS_URL, sharedAdmin } from '../store/redis-helpers.ts';
import type { TestClock } from '../support/clock.ts';
import { CookieJar } from '../support/cookie-jar.ts';
import { csrfHeaders, sessionCookieOf, startHarness, type Harness } from '../support/harness.ts';
import { startUpstream, echoApi } from '../support/upstream.ts';

/**
 * What the persistent stores hold after the product itself wrote to them — a real sign-in at the dev IdP and a
 * token refresh through the proxy — holds no plaintext token and no cookie value: tokens are sealed and the
 * cookie value is hashed by the BFF's own write path, not by the test.
 */
interface Case {
  name: string;
  store: (clock: TestClock) => SessionStore;
  /** Everything the store persisted, as raw text. */
  dump: () => Promise<string>;
  cleanup: () => Promise<void>;
}

function fileCase(): Case {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-at-rest-'));
  const path = join(dir, 'sessions.sqlite');
  return {
    name: 'file store',
    store: (clock) => createFileStore({ path, clock: clock.now }),
    dump: async () =>
      [path, `${path}-wal`]
        .filter((file) => existsSync(file))
        .map((file) => readFileSync(file).toString('latin1'))
        .join('\n'),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

function redisCase(): Case {
  const prefix = `gatehouse-test:at-rest:${randomUUID()}:`;
  return {
    name: 'redis store',
    store: (clock) => createRedisStore({ url: REDIS_URL, clock: clock.now, keyPrefix: prefix }),
    dump: async () => {
      const admin = await sharedAdmin();
      const dump: string[] = [];
      for (const key of await keysUnder(admin, prefix)) {
        dump.push(key);
        const type = await admin.type(key);
        if (type === 'hash') {
          const hash = await admin.hgetallBuffer(key);
          for (const [field, value] of Object.entries(hash)) dump.push(field, value.toString('latin1'));
        } else if (type === 'zset') dump.push(...(await admin.zrange(key, 0, -1)));
        else if (type === 'string') dump.push((await admin.getBuffer(key))?.toString('latin1') ?? '');
        else dump.push(`unexpected type ${type}`);
      }
      return dump.join('\n');
    },
    cleanup: () => closeSharedAdmin(prefix),
  };
}

describe.each([fileCase, redisCase])('tokens at rest', (makeCase) => {
  const c = makeCase();
  let h: Harness;
  let upstream: Awaited<ReturnType<typeof startUpstream>>;

  beforeAll(async () => {
    upstream = await startUpstream();
    h = await startHarness({
      store: c.store,
      accessTokenTtl: 60,
      apis: [echoApi(upstream.url)],
    });
  });
  afterAll(async () => {
    await h.close();
    await upstream.close();
    await c.cleanup();
  });

  it(`${c.name}: holds no plaintext token nor cookie value after a sign-in and a refresh`, async () => {
    const jar = new CookieJar();
    expect((await h.signIn(jar)).status).toBe(302);
    const cookie = sessionCookieOf(h, jar)!;
    const key = storeKeyFor(cookie);
    const secrets = new Set<string>([cookie]);
    const remember = async (): Promise<void> => {
      const session = (await h.deps.store.get(key))!;
      const tokens = openTokens(h.deps.cipher, session.tokens, session.provider, session.user.sub);
      for (const token of [tokens.accessToken, tokens.refreshToken, tokens.idToken])
        if (token) secrets.add(token);
    };
    await remember();
    h.clock.advance(45_000); // inside the refresh window: the proxy call refreshes and stores new tokens
    expect((await h.request('/api/proxy/echo/echo', { jar, headers: csrfHeaders })).status).toBe(200);
    await remember();
    expect(secrets.size).toBeGreaterThanOrEqual(6); // cookie, 2 access, 2 refresh (rotated), ID token(s)

    const dump = await c.dump();
    expect(dump).toContain('alice@example.com'); // we are looking at the right data
    for (const secret of secrets) expect(dump).not.toContain(secret);
    // No JWT header-and-payload either, whichever token it came from.
    expect(dump).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/);
  });
});
