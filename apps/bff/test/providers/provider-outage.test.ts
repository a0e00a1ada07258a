import { startIdp } from '@gatehouse/idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultProviders } from '../../src/config/providers-file.ts';
import { sparePort } from '../support/redis-server.ts';
import { CookieJar } from '../support/cookie-jar.ts';
import { csrfHeaders, idpClient, SPA_ORIGIN, startHarness, type Harness } from '../support/harness.ts';

/**
 * A provider that is down when the BFF starts is marked unavailable; the others work; once it is up, it works
 * without a restart of the BFF.
 */
let h: Harness;
let latePort: number;
let late: Awaited<ReturnType<typeof startIdp>> | undefined;

beforeAll(async () => {
  latePort = await sparePort();
  h = await startHarness({
    providers: (issuer, config) => {
      const dev = defaultProviders({ idpPort: 0, ...config.devClient }).map((p) => ({ ...p, issuer }));
      return [
        ...dev,
        { ...dev[0]!, name: 'late', label: 'Late IdP', issuer: `http://localhost:${latePort}` },
      ];
    },
  });
});
afterAll(async () => {
  await h.close();
  await late?.close();
});

const listed = async () =>
  Object.fromEntries(
    ((await (await h.request('/auth/providers')).json()) as Array<{ name: string; available: boolean }>).map(
      (p) => [p.name, p.available],
    ),
  );

describe('a provider that is down at start-up', () => {
  it('is listed as unavailable, and its sign-in lands on the SPA with provider_unavailable', async () => {
    expect(await listed()).toEqual({ dev: true, late: false });
    const login = await h.request('/auth/login?provider=late');
    expect(login.status).toBe(302);
    expect(login.headers.get('location')).toBe(`${SPA_ORIGIN}/?error=provider_unavailable`);
  });

  it('does not keep the others from working', async () => {
    const jar = new CookieJar();
    expect((await h.signIn(jar)).headers.get('location')).toBe(`${SPA_ORIGIN}/`);
    const session = await h.request('/api/session', { jar, headers: csrfHeaders });
    expect(await session.json()).toMatchObject({ provider: 'dev', user: { sub: 'alice' } });
  });

  it('works once it is back, without a restart', async () => {
    late = await startIdp({ port: latePort, clients: [idpClient(h.bffUrl)] });
    const jar = new CookieJar();
    const callback = await h.signIn(jar, { provider: 'late', user: 'bob', password: 'builder' });
    expect(callback.headers.get('location')).toBe(`${SPA_ORIGIN}/`);
    const session = await h.request('/api/session', { jar, headers: csrfHeaders });
    expect(await session.json()).toMatchObject({ provider: 'late', user: { sub: 'bob' } });
    expect(await listed()).toEqual({ dev: true, late: true });
  });
});
