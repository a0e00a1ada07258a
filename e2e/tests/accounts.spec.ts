import { expect } from '@playwright/test';
import { OCTO_URL } from '../origins.ts';
import {
  test,
  BFF_URL,
  SESSION_COOKIE,
  USERS,
  expectDashboardOf,
  sessionCookie,
  signInFromHome,
} from './helpers.ts';

const { alice, bob } = USERS;

test('one browser holds two accounts: add one, switch, sign one out, the other stays', async ({
  page,
  context,
}) => {
  await signInFromHome(page, alice.username, alice.password);
  await expectDashboardOf(page, alice);
  const accounts = page.getByRole('list', { name: 'Accounts' });
  await expect(accounts.getByRole('listitem')).toHaveCount(1);
  const aliceCookie = await sessionCookie(context);

  // Bob at the second provider. (The dev IdP holds one user per browser session: signing bob in there would
  // end alice's session at the IdP, and its back-channel logout would end her account here too.)
  await page.getByRole('button', { name: 'Add account with Octo (GitHub-like)' }).click();
  await page.waitForURL((url) => url.origin === OCTO_URL);
  await page.getByLabel('Username').fill(bob.username);
  await page.getByLabel('Password').fill(bob.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expectDashboardOf(page, bob);
  await expect(page.getByText(`Welcome, ${bob.name}.`)).toBeVisible();
  await expect(accounts.getByRole('listitem')).toHaveCount(2);

  // Still one cookie with one opaque value, a new one since the sign-in.
  const cookies = (await context.cookies(BFF_URL)).filter((c) => c.name.startsWith(SESSION_COOKIE));
  expect(cookies.map((c) => c.name)).toContain(SESSION_COOKIE);
  const bothCookie = await sessionCookie(context);
  expect(bothCookie?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(bothCookie?.value).not.toBe(aliceCookie?.value);
  expect(bothCookie?.httpOnly).toBe(true);

  // Switching needs no sign-in: the dashboard shows alice at once.
  await page.getByRole('button', { name: `Switch to ${alice.name}` }).click();
  await expect(page.getByText(`Welcome, ${alice.name}.`)).toBeVisible();
  await expect(page.getByText(alice.email).first()).toBeVisible();
  expect(page.url()).toMatch(/\/dashboard$/);

  await page.getByRole('button', { name: `Sign ${bob.name} out` }).click();
  await expect(page.getByRole('status').filter({ hasText: `${bob.name} is signed out.` })).toBeVisible();
  await expect(accounts.getByRole('listitem')).toHaveCount(1);
  await expect(accounts).not.toContainText(bob.name);

  // Alice stays signed in, across a reload, and the BFF lists her alone.
  await page.reload();
  await expectDashboardOf(page, alice);
  const listed = await page.request.get(`${BFF_URL}/api/accounts`, { headers: { 'X-CSRF': '1' } });
  expect(listed.status()).toBe(200);
  expect(((await listed.json()) as Array<{ user: { sub: string } }>).map((a) => a.user.sub)).toEqual([
    alice.username,
  ]);
});
