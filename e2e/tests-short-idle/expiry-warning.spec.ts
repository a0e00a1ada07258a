import { expect, test, type Page } from '@playwright/test';
import { SHORT_IDLE_TIMEOUT_SECONDS } from '../short-idle-env.ts';
import { devIdpSignInControl, expectDashboardOf, signInFromHome, USERS } from '../tests/helpers.ts';

const idleExpiresAt = async (page: Page): Promise<number> =>
  Date.parse((await page.locator('dt:text-is("Expires if idle") + dd time').getAttribute('datetime')) ?? '');

test('warns before the idle expiry; Stay signed in moves it; letting it lapse shows the signed-out home', async ({
  page,
}) => {
  const user = USERS.grace;
  await signInFromHome(page, user.username, user.password);
  await expectDashboardOf(page, user);
  const before = await idleExpiresAt(page);

  // Half the idle timeout before the end (under 2 minutes): about 20 s after signing in.
  const dialog = page.getByRole('alertdialog');
  await expect(dialog).toBeVisible({ timeout: SHORT_IDLE_TIMEOUT_SECONDS * 1000 });
  expect(Date.now()).toBeGreaterThanOrEqual(before - (SHORT_IDLE_TIMEOUT_SECONDS / 2) * 1000 - 1_500);
  await expect(dialog).toContainText('Your session is about to end');
  const stay = dialog.getByRole('button', { name: 'Stay signed in' });
  await expect(stay).toBeFocused();
  await expect(dialog.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeVisible(); // Escape does not silently dismiss it

  await stay.click();
  await expect(dialog).toBeHidden();
  await expect.poll(() => idleExpiresAt(page)).toBeGreaterThan(before);
  const extended = await idleExpiresAt(page);
  expect(extended - Date.now()).toBeGreaterThan((SHORT_IDLE_TIMEOUT_SECONDS - 5) * 1000);

  // Left alone: the warning again, then the signed-out home, without a reload.
  await expect(dialog).toBeVisible({ timeout: SHORT_IDLE_TIMEOUT_SECONDS * 1000 });
  await expect(devIdpSignInControl(page)).toBeVisible({ timeout: SHORT_IDLE_TIMEOUT_SECONDS * 1000 });
  await expect(page.getByText('Your session expired. Please sign in again.')).toBeVisible();
  expect(new URL(page.url()).pathname).toBe('/');
});
