import { expect, test } from '@playwright/test';
import { expectDashboardOf, signInFromHome, USERS } from './helpers.ts';

test.describe('notes through the BFF proxy, with the token kept server-side', () => {
  test('alice adds a note on her dashboard and it is still there after a reload', async ({ page }) => {
    await signInFromHome(page, USERS.alice.username, USERS.alice.password);
    await expectDashboardOf(page, USERS.alice);
    await expect(page.getByRole('heading', { name: 'Notes' })).toBeVisible();
    const text = `Remember the tea party ${Date.now()}`;
    await page.getByLabel('New note').fill(text);
    const relayed = page.waitForResponse(
      (r) => r.url().includes('/api/proxy/notes/notes') && r.request().method() === 'POST',
    );
    await page.getByRole('button', { name: 'Add note' }).click();
    expect((await relayed).status()).toBe(201);
    await expect(page.getByText(text)).toBeVisible();
    await page.reload();
    await expect(page.getByText(text)).toBeVisible();
  });

  test('bob does not see alice’s notes', async ({ page }) => {
    await signInFromHome(page, USERS.bob.username, USERS.bob.password);
    await expectDashboardOf(page, USERS.bob);
    await expect(page.getByRole('heading', { name: 'Notes' })).toBeVisible();
    await expect(page.getByText('Remember the tea party')).toHaveCount(0);
  });
});
