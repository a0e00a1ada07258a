import { expect, test } from '@playwright/test';
import { BFF_URL, JWT_LIKE, USERS, expectDashboardOf, sessionCookie, signInFromHome } from './helpers.ts';

const { alice } = USERS;

test('the session cookie is host-only, HttpOnly, Secure, SameSite=Lax, and no token reaches the browser', async ({
  page,
  context,
}) => {
  const visited: string[] = [];
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) visited.push(frame.url());
  });
  const bffBodies: string[] = [];
  page.on('response', async (response) => {
    if (!response.url().startsWith(BFF_URL) || response.status() >= 300) return;
    bffBodies.push(await response.text().catch(() => ''));
  });

  await signInFromHome(page, alice.username, alice.password);
  await expectDashboardOf(page, alice);

  const cookie = await sessionCookie(context);
  expect(cookie, 'the __Host-gatehouse cookie is set').toBeDefined();
  expect(cookie).toMatchObject({
    httpOnly: true,
    secure: true,
    sameSite: 'Lax',
    path: '/',
    domain: 'localhost',
  });
  // Host-only: a cookie with a Domain attribute is reported with a leading dot.
  expect(cookie?.domain.startsWith('.')).toBe(false);
  // Opaque, at least 128 bits: 22 base64url characters or more.
  expect(cookie?.value.length ?? 0).toBeGreaterThanOrEqual(22);
  expect(await page.evaluate(() => document.cookie)).not.toContain('__Host-gatehouse');

  // No cookie of any origin, no Web Storage, no URL and no BFF response holds a JWT.
  for (const { name, value } of await context.cookies()) {
    expect(value, `cookie ${name}`).not.toMatch(JWT_LIKE);
  }
  const storage = await page.evaluate(() => {
    const dump = (store: Storage): string[] =>
      Array.from({ length: store.length }, (_, i) => {
        const key = store.key(i) ?? '';
        return `${key}=${store.getItem(key) ?? ''}`;
      });
    return [...dump(window.localStorage), ...dump(window.sessionStorage)];
  });
  for (const entry of storage) expect(entry).not.toMatch(JWT_LIKE);
  for (const { origins } of [await context.storageState()]) {
    for (const { origin, localStorage } of origins) {
      for (const { name, value } of localStorage)
        expect(value, `${origin} localStorage ${name}`).not.toMatch(JWT_LIKE);
    }
  }
  for (const url of visited) {
    expect(url).not.toMatch(JWT_LIKE);
    expect(url).not.toMatch(/access_token|id_token|refresh_token/);
  }
  const session = await page.request.get(`${BFF_URL}/api/session`, { headers: { 'X-CSRF': '1' } });
  bffBodies.push(await session.text());
  for (const body of bffBodies) {
    expect(body).not.toMatch(JWT_LIKE);
    expect(body).not.toMatch(/access_token|id_token|refresh_token/i);
  }
});
