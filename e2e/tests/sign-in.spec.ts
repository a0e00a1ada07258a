import { SessionInfoSchema } from '@gatehouse/shared';
import { expect } from '@playwright/test';
import {
  test,
  BFF_URL,
  USERS,
  devIdpSignInControl,
  expectDashboardOf,
  expectIdpSignInPage,
  onIdp,
  sessionCookie,
  signIn,
  signInFromHome,
} from './helpers.ts';

const { alice, bob } = USERS;

test.describe('signing in', () => {
  test('alice signs in through the dev IdP from the home page and sees her dashboard', async ({ page }) => {
    await signInFromHome(page, alice.username, alice.password);

    await expectDashboardOf(page, alice);
    await expect(page.getByText(/Dev IdP|\bdev\b/).first()).toBeVisible();
    await expect(page.getByText(/expir/i).first()).toBeVisible();
    await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();

    // What the dashboard is drawn from: the contract's SessionInfo, with an expiry in the future.
    const response = await page.request.get(`${BFF_URL}/api/session`, { headers: { 'X-CSRF': '1' } });
    expect(response.status()).toBe(200);
    const info = SessionInfoSchema.parse(await response.json());
    expect(info.user).toMatchObject({ sub: 'alice', name: alice.name, email: alice.email });
    expect(info.provider).toBe('dev');
    expect(Date.parse(info.expiresAt)).toBeGreaterThan(Date.now());
  });

  test('a wrong password stays on the IdP page with an error and sets no session cookie', async ({
    page,
    context,
  }) => {
    await page.goto('/');
    await devIdpSignInControl(page).click();
    await signIn(page, alice.username, 'not-the-password');

    await expectIdpSignInPage(page);
    await expect(page.getByText(/invalid|incorrect|wrong/i).first()).toBeVisible();
    expect(onIdp(new URL(page.url()))).toBe(true);
    expect(await sessionCookie(context)).toBeUndefined();
  });

  test('reloading the dashboard keeps alice signed in', async ({ page }) => {
    await signInFromHome(page, alice.username, alice.password);
    await expectDashboardOf(page, alice);

    await page.reload();
    await expectDashboardOf(page, alice);
    await page.goto('/dashboard');
    await expectDashboardOf(page, alice);
  });

  test('opening /dashboard without a session goes through the IdP and lands back on /dashboard', async ({
    page,
  }) => {
    await page.goto('/dashboard');
    await expectIdpSignInPage(page);
    await signIn(page, alice.username, alice.password);
    await expectDashboardOf(page, alice);
  });

  test('bob signs in beside alice and each browser sees only its own user', async ({ page, browser }) => {
    await signInFromHome(page, alice.username, alice.password);
    await expectDashboardOf(page, alice);

    const bobContext = await browser.newContext();
    try {
      const bobPage = await bobContext.newPage();
      await signInFromHome(bobPage, bob.username, bob.password);
      await expectDashboardOf(bobPage, bob);
      await expect(bobPage.getByText(alice.name)).toHaveCount(0);

      await page.reload();
      await expectDashboardOf(page, alice);
      await expect(page.getByText(bob.name)).toHaveCount(0);
    } finally {
      await bobContext.close();
    }
  });

  test('a failed login shown as /?error=<code> is announced as an alert', async ({ page }) => {
    await page.goto('/?error=login_failed');
    await expect(page.getByRole('alert')).toBeVisible();
    await expect(devIdpSignInControl(page)).toBeVisible();
  });
});
