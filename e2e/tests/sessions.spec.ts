import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import {
  BFF_URL,
  SPA_URL,
  USERS,
  devIdpSignInControl,
  expectDashboardOf,
  signInFromHome,
} from './helpers.ts';

const { alice, bob } = USERS;

/** A second, separate browser (its own cookies: its own IdP and BFF sessions) signed in as `user`. */
async function signedInBrowser(
  browser: Browser,
  user: (typeof USERS)[keyof typeof USERS],
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

/** One entry per session: each offers `Revoke`. */
const sessionItems = (page: Page) =>
  page.getByRole('listitem').filter({ has: page.getByRole('button', { name: 'Revoke' }) });
const CURRENT_MARK = /this device|current/i;

test('the sessions page lists only my own sessions and Revoke ends another browser’s session', async ({
  page,
  browser,
}) => {
  await signInFromHome(page, alice.username, alice.password);
  await expectDashboardOf(page, alice);
  const other = await signedInBrowser(browser, alice);
  const bobs = await signedInBrowser(browser, bob);
  try {
    await page.goto('/sessions');
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
    expect(await bffSessionStatus(bobs.page)).toBe(200);
  } finally {
    await other.context.close();
    await bobs.context.close();
  }
});

test('Sign out everywhere ends all of my sessions and leaves me signed out', async ({ page, browser }) => {
  await signInFromHome(page, alice.username, alice.password);
  await expectDashboardOf(page, alice);
  const other = await signedInBrowser(browser, alice);
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
