import { SessionInfoSchema } from '@gatehouse/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar } from '../support/cookie-jar.ts';
import { EventStreamReader } from '../support/event-stream.ts';
import { csrfHeaders, SPA_ORIGIN, startHarness, type Harness } from '../support/harness.ts';

let h: Harness;
const readers: EventStreamReader[] = [];

beforeAll(async () => {
  h = await startHarness({
    env: {
      SESSION_TOUCH_INTERVAL: '60',
      SESSION_EVENTS_MAX_PER_SESSION: '2',
      SESSION_EVENTS_HEARTBEAT: '1',
    },
  });
});
afterAll(async () => {
  for (const reader of readers) reader.cancel();
  await h.close();
});

async function open(jar: CookieJar, origin: string | null = SPA_ORIGIN): Promise<Response> {
  return h.request('/api/session/events', {
    jar,
    headers: { Accept: 'text/event-stream', ...(origin ? { Origin: origin } : {}) },
  });
}

async function stream(jar: CookieJar): Promise<EventStreamReader> {
  const response = await open(jar);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.headers.get('access-control-allow-origin')).toBe(SPA_ORIGIN);
  expect(response.headers.get('access-control-allow-credentials')).toBe('true');
  const reader = new EventStreamReader(response);
  readers.push(reader);
  return reader;
}

async function signedIn(): Promise<CookieJar> {
  const jar = new CookieJar();
  await h.signIn(jar);
  return jar;
}

const sessionInfo = async (jar: CookieJar) =>
  SessionInfoSchema.parse(
    await (await h.request('/api/session?slide=false', { jar, headers: csrfHeaders })).json(),
  );

describe('GET /api/session/events', () => {
  it('refuses a foreign Origin, or none, with 403 csrf', async () => {
    const jar = await signedIn();
    for (const origin of ['https://evil.example', null]) {
      const response = await open(jar, origin);
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ error: 'csrf' });
    }
  });

  it('answers 401 JSON without a session', async () => {
    const response = await open(new CookieJar());
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toMatchObject({ error: 'unauthenticated' });
  });

  it('opens with the session and its idle timeout, and never slides the idle expiry', async () => {
    const jar = await signedIn();
    const before = await sessionInfo(jar);
    h.clock.advance(120_000); // past the touch interval: a request that counted would slide it now
    const reader = await stream(jar);
    const first = await reader.next();
    expect(first.event).toBe('session');
    expect(first.data).toMatchObject({ user: { sub: 'alice' }, idleTimeoutSeconds: 1800 });
    expect((first.data as { idleExpiresAt: string }).idleExpiresAt).toBe(before.idleExpiresAt);
    expect((await sessionInfo(jar)).idleExpiresAt).toBe(before.idleExpiresAt);
  });

  it('sends heartbeats', async () => {
    const reader = await stream(await signedIn());
    await reader.next();
    await expect.poll(() => reader.comments, { timeout: 5_000 }).toBeGreaterThanOrEqual(1);
  });

  it('says session when the idle expiry slides (Stay signed in), then ended signed_out on logout', async () => {
    const jar = await signedIn();
    const reader = await stream(jar);
    await reader.next();
    h.clock.advance(10_000);
    const extended = await h.request('/api/session/extend', { jar, method: 'POST', headers: csrfHeaders });
    expect(extended.status).toBe(200);
    const body = SessionInfoSchema.parse(await extended.json());
    const changed = await reader.next();
    expect(changed).toMatchObject({ event: 'session', data: { idleExpiresAt: body.idleExpiresAt } });
    expect(Date.parse(body.idleExpiresAt)).toBe(h.clock.now() + 1_800_000);
    expect((await h.request('/auth/logout', { jar, method: 'POST', headers: csrfHeaders })).status).toBe(200);
    expect(await reader.next()).toEqual({ event: 'ended', data: { reason: 'signed_out' } });
    await reader.ended;
  });

  it('Stay signed in slides at once even within the touch interval; without a session it is 401', async () => {
    const jar = await signedIn();
    const before = await sessionInfo(jar);
    h.clock.advance(5_000); // well within SESSION_TOUCH_INTERVAL=60
    const extended = await h.request('/api/session/extend', { jar, method: 'POST', headers: csrfHeaders });
    const after = SessionInfoSchema.parse(await extended.json());
    expect(Date.parse(after.idleExpiresAt) - Date.parse(before.idleExpiresAt)).toBe(5_000);
    expect((await sessionInfo(jar)).idleExpiresAt).toBe(after.idleExpiresAt);
    const anonymous = await h.request('/api/session/extend', { method: 'POST', headers: csrfHeaders });
    expect(anonymous.status).toBe(401);
    const noCsrf = await h.request('/api/session/extend', { jar, method: 'POST' });
    expect(noCsrf.status).toBe(403);
  });

  it('says ended revoked when the session is revoked from another device', async () => {
    const laptop = await signedIn();
    const phone = await signedIn();
    const reader = await stream(laptop);
    await reader.next();
    const list = (await (
      await h.request('/api/sessions', { jar: phone, headers: csrfHeaders })
    ).json()) as Array<{
      id: string;
      current: boolean;
    }>;
    const laptopInfo = await sessionInfo(laptop);
    const others = list.filter((s) => !s.current);
    expect(others.length).toBeGreaterThan(0);
    for (const s of others)
      await h.request(`/api/sessions/${s.id}`, { jar: phone, method: 'DELETE', headers: csrfHeaders });
    expect(laptopInfo.user.sub).toBe('alice');
    expect(await reader.next()).toEqual({ event: 'ended', data: { reason: 'revoked' } });
  });

  it('says ended expired once the idle expiry passes', async () => {
    const jar = await signedIn();
    const reader = await stream(jar);
    await reader.next();
    h.clock.advance(1_800_000 + 1_000);
    expect(await reader.next(5_000)).toEqual({ event: 'ended', data: { reason: 'expired' } });
  });

  it('bounds the open streams of one session with a clear 429', async () => {
    const jar = await signedIn();
    await stream(jar);
    await stream(jar);
    const third = await open(jar);
    expect(third.status).toBe(429);
    expect(await third.json()).toMatchObject({
      error: 'too_many_streams',
      message: expect.stringMatching(/2 event streams open/),
    });
  });
});
