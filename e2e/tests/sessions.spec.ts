import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import {
  test,
  BFF_URL,
  SPA_URL,
  USERS,
  devIdpSignInControl,
  expectDashboardOf,
  signInFromHome,
  type User,
} from './helpers.ts';

// Each test here owns its user (see USERS): other workers sign alice and bob in and out meanwhile.
const { carol, dave } = USERS;

/** Another, separate browser (its own cookies, so its own IdP and BFF sessions) signed in as `user`. */
async function signedInBrowser(
  browser: Browser,
  user: User,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: SPA_URL });
  const page = await context.newPage();
  await signInFromHome(page, user.username, user.password);
  await expectDashboardOf(page, user);
  return { context, page };
}

async function bffSessionStatus(page: Page): Promise<number> {
  const response = await page.request.get(`${BFF_URL}/api/session`, { headers: { 'X-CSRF': '1' } });
  return response.status();
}

/**
 * Signs `user` in on `page` with no other session of theirs left at the BFF: earlier runs against the same
 * servers (`--repeat-each`, a failed test) may have left some. Ending them all ends this one too; the IdP
 * session stays, so opening the dashboard again signs in silently with a fresh session.
 */
async function signInAlone(page: Page, user: User): Promise<void> {
  await signInFromHome(page, user.username, user.password);
  await expectDashboardOf(page, user);
  const purge = await page.request.delete(`${BFF_URL}/api/sessions`, { headers: { 'X-CSRF': '1' } });
  expect(purge.status()).toBe(204);
  await page.goto('/dashboard');
  await expectDashboardOf(page, user);
}

/** One entry per session: each offers `Revoke`. */
const sessionItems = (page: Page) =>
  page.getByRole('listitem').filter({ has: page.getByRole('button', { name: 'Revoke' }) });
const CURRENT_MARK = /this device|current/i;

test('the sessions page lists only my own sessions, marks this one, and Revoke ends the other browser’s', async ({
  page,
  browser,
}) => {
  await signInAlone(page, carol);
  const other = await signedInBrowser(browser, carol);
  try {
    await page.goto('/sessions');
    // Exactly carol's two, though alice and bob are signed in elsewhere in this run.
    await expect(sessionItems(page)).toHaveCount(2);
    await expect(sessionItems(page).filter({ hasText: CURRENT_MARK })).toHaveCount(1);

    await sessionItems(page)
      .filter({ hasNotText: CURRENT_MARK })
      .getByRole('button', { name: 'Revoke' })
      .click();

    await expect(sessionItems(page)).toHaveCount(1);
    await expect(sessionItems(page).filter({ hasText: CURRENT_MARK })).toHaveCount(1);
    expect(await bffSessionStatus(other.page)).toBe(401);
    expect(await bffSessionStatus(page)).toBe(200);
  } finally {
    await other.context.close();
  }
});

test('Sign out everywhere ends all of my sessions and leaves this browser signed out', async ({
  page,
  browser,
}) => {
  await signInAlone(page, dave);
  const other = await signedInBrowser(browser, dave);
  try {
    await page.goto('/sessions');
    await expect(sessionItems(page)).toHaveCount(2);

    await page.getByRole('button', { name: 'Sign out everywhere' }).click();

    await page.waitForURL((url) => url.origin === SPA_URL && url.pathname === '/');
    await expect(devIdpSignInControl(page)).toBeVisible();
    expect(await bffSessionStatus(page)).toBe(401);
    expect(await bffSessionStatus(other.page)).toBe(401);
  } finally {
    await other.context.close();
  }
});
