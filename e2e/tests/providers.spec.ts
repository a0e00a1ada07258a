import { expect, test } from '@playwright/test';
import { OCTO_URL } from '../origins.ts';
import { BFF_URL, expectDashboardOf, USERS } from './helpers.ts';

test.describe('a second, plain OAuth 2 provider (GitHub-like)', () => {
  test('the home page offers every configured provider', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByRole('button', { name: 'Sign in with Dev IdP' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Sign in with Octo (GitHub-like)' })).toBeVisible();
  });

  test('bob signs in through Octo and sees his dashboard with that provider', async ({ page }) => {
    await page.goto('/');
    await page.getByRole('button', { name: 'Sign in with Octo (GitHub-like)' }).click();
    await page.waitForURL((url) => url.origin === OCTO_URL);
    await page.getByLabel('Username').fill('bob');
    await page.getByLabel('Password').fill('builder');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expectDashboardOf(page, USERS.bob);
    const session = await page.evaluate(async (bff) => {
      const response = await fetch(`${bff}/api/session`, {
        credentials: 'include',
        headers: { 'X-CSRF': '1' },
      });
      return (await response.json()) as { provider: string; user: { sub: string } };
    }, BFF_URL);
    expect(session.provider).toBe('octo');
    expect(session.user.sub).toBe('1002');
    // The notes API belongs to the Dev IdP: the dashboard explains instead of failing.
    await expect(page.getByText('Notes are available when signed in with Dev IdP.')).toBeVisible();
  });
});
