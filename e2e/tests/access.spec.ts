import { expect, test, type Page } from '@playwright/test';
import { BFF_URL, expectDashboardOf, sessionCookie, signInFromHome, USERS } from './helpers.ts';

/**
 * Who may sign in and who may call what (fixtures/providers.json): the Dev IdP lets only example.com in and
 * keeps the `groups` claim; the `editors` API requires the group `notes-editors`.
 */

const apiStatus = (page: Page, path: string) =>
  page.evaluate(
    async ([bff, p]) => {
      const response = await fetch(`${bff}${p}`, { credentials: 'include', headers: { 'X-CSRF': '1' } });
      return { status: response.status, body: (await response.json()) as { error?: string } };
    },
    [BFF_URL, path] as const,
  );

test('a user of another domain is refused: no session, and the home page says why', async ({
  page,
  context,
}) => {
  await signInFromHome(page, USERS.otto.username, USERS.otto.password);
  await page.waitForURL((url) => url.pathname === '/' && url.searchParams.get('error') === 'access_denied');
  await expect(page.getByRole('alert')).toHaveText(
    'Access denied: this account is not allowed to sign in here, or sign-in was cancelled.',
  );
  await expect(page.getByRole('button', { name: 'Sign in with Dev IdP' })).toBeVisible();
  expect(await sessionCookie(context)).toBeUndefined();
});

test('an allowed user sees their groups on the dashboard and may call the API that requires one', async ({
  page,
}) => {
  await signInFromHome(page, USERS.gina.username, USERS.gina.password);
  await expectDashboardOf(page, USERS.gina);
  await expect(page.getByText('notes-editors, staff')).toBeVisible();
  expect((await apiStatus(page, '/api/proxy/editors/notes')).status).toBe(200);
});

test('a user without the group sees no groups and gets 403 forbidden from that API', async ({ page }) => {
  await signInFromHome(page, USERS.bob.username, USERS.bob.password);
  await expectDashboardOf(page, USERS.bob);
  await expect(page.getByText('Groups', { exact: true })).toHaveCount(0);
  expect(await apiStatus(page, '/api/proxy/editors/notes')).toEqual({
    status: 403,
    body: expect.objectContaining({ error: 'forbidden' }),
  });
  expect((await apiStatus(page, '/api/proxy/notes/notes')).status).toBe(200);
});
