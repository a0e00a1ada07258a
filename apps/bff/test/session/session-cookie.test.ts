import Koa from 'koa';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/env.ts';
import { newSessionId, storeKeyFor } from '../../src/session/keys.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { currentSession, sessionCookie } from '../../src/session/session-cookie.ts';
import { storedSession } from '../support/sessions.ts';

/**
 * The koa-session adapter on its own: a loaded session's bag leaves the sealed tokens out (koa-session hashes
 * the bag twice a request), yet every reader and every save still sees them.
 */
const config = parseConfig({
  PUBLIC_BFF_URL: 'http://localhost:3000',
  SPA_ORIGINS: 'http://localhost:5173',
  SESSION_STORE: 'memory',
});
const now = Date.now();
const store = createMemoryStore({ clock: () => now, sweepIntervalMs: 0 });
afterAll(async () => {
  await store.close();
});

async function call(
  handler: Koa.Middleware,
  cookie: string,
): Promise<{ body: unknown; setCookie: string | null }> {
  const app = new Koa();
  // As app.ts does on http://localhost: browsers keep Secure cookies there.
  app.use((ctx, next) => {
    ctx.cookies.secure = true;
    return next();
  });
  app.use(sessionCookie(app, config, store));
  app.use(handler);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const { port } = server.address() as { port: number };
    const response = await fetch(`http://127.0.0.1:${port}/`, {
      headers: { cookie: `${config.session.cookieName}=${cookie}` },
    });
    return { body: await response.json(), setCookie: response.headers.get('set-cookie') };
  } finally {
    server.close();
  }
}

describe('session cookie adapter', () => {
  it('hands out the whole stored session while koa-session’s bag holds it without the sealed tokens', async () => {
    const id = newSessionId();
    await store.set(storeKeyFor(id), storedSession(now, { tokens: 'v1.k.sealed-token-bytes' }));
    const { body, setCookie } = await call((ctx) => {
      ctx.body = {
        current: currentSession(ctx)?.session.tokens ?? null,
        bag: Object.keys(ctx.session?.toJSON() ?? {}),
      };
    }, id);
    expect(body).toEqual({
      current: 'v1.k.sealed-token-bytes',
      bag: expect.not.arrayContaining(['tokens']) as unknown,
    });
    expect((body as { bag: string[] }).bag).toContain('user');
    expect(setCookie).toBeNull(); // nothing changed: nothing saved, no cookie re-sent
  });

  it('keeps the sealed tokens when a loaded session’s bag is changed and saved', async () => {
    const id = newSessionId();
    await store.set(storeKeyFor(id), storedSession(now, { tokens: 'v1.k.kept', userAgent: 'old' }));
    await call((ctx) => {
      (ctx.session as unknown as { userAgent: string }).userAgent = 'new';
      ctx.body = {};
    }, id);
    const saved = await store.get(storeKeyFor(id));
    expect(saved).toMatchObject({ userAgent: 'new', tokens: 'v1.k.kept' });
  });

  it('finds no session for an unknown or malformed cookie', async () => {
    for (const cookie of [newSessionId(), 'not-a-session-id']) {
      const { body } = await call((ctx) => {
        ctx.body = { current: currentSession(ctx) };
      }, cookie);
      expect(body).toEqual({ current: null });
    }
  });
});
