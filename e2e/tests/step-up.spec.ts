import { SessionInfoSchema } from '@gatehouse/shared';
import { expect, type Page } from '@playwright/test';
import {
  test,
  BFF_URL,
  USERS,
  expectDashboardOf,
  onIdp,
  sessionCookie,
  signIn,
  signInFromHome,
} from './helpers.ts';

const PASSWORD_AGAIN = 'urn:gatehouse:acr:password-again';
const { bob } = USERS;

async function sessionInfo(page: Page) {
  const response = await page.request.get(`${BFF_URL}/api/session`, { headers: { 'X-CSRF': '1' } });
  expect(response.status()).toBe(200);
  return SessionInfoSchema.parse(await response.json());
}

/** Clicks `Export notes` and answers the status of the proxied call it makes. */
async function exportNotes(page: Page): Promise<{ status: number; body: unknown }> {
  const call = page.waitForResponse((r) => r.url().includes('/api/proxy/notes-export/notes'));
  await page.getByRole('button', { name: 'Export notes', exact: true }).click();
  const response = await call;
  return { status: response.status(), body: await response.json() };
}

test.describe('step-up for the dashboard’s protected action', () => {
  test('the export asks for the password again at the IdP, then works in the same, renewed session', async ({
    page,
    context,
  }) => {
    await signInFromHome(page, bob.username, bob.password);
    await expectDashboardOf(page, bob);
    const before = await sessionInfo(page);
    const cookieBefore = (await sessionCookie(context))?.value;
    expect(cookieBefore).toBeTruthy();

    const refused = await exportNotes(page);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ error: 'step_up_required', acr: [PASSWORD_AGAIN], maxAge: 300 });
    await expect(page.getByRole('alert')).toContainText('confirm your password');
    await expect(page.getByRole('status').filter({ hasText: /^Exported/ })).toHaveCount(0);

    const login = page.waitForRequest((r) => r.url().startsWith(`${BFF_URL}/auth/login?`));
    await page.getByRole('button', { name: 'Confirm with your password' }).click();
    const asked = new URL((await login).url()).searchParams;
    expect(asked.get('acr')).toBe(PASSWORD_AGAIN);
    expect(asked.get('maxAge')).toBe('300');
    expect(asked.get('returnTo')).toBe('/dashboard');
    // The IdP still has bob's session from a minute ago, yet shows its form: the password is asked again.
    await page.waitForURL(onIdp);
    await signIn(page, bob.username, bob.password);
    await expectDashboardOf(page, bob);

    // The same session, upgraded: same user and creation time, a new cookie id.
    const after = await sessionInfo(page);
    expect(after.user).toEqual(before.user);
    expect(after.createdAt).toBe(before.createdAt);
    expect(after.expiresAt).toBe(before.expiresAt);
    const cookieAfter = (await sessionCookie(context))?.value;
    expect(cookieAfter).toBeTruthy();
    expect(cookieAfter).not.toBe(cookieBefore);

    const allowed = await exportNotes(page);
    expect(allowed.status).toBe(200);
    await expect(page.getByRole('status').filter({ hasText: /^Exported \d+ notes?\.$/ })).toBeVisible();
    await expect(page.getByRole('alert')).toHaveCount(0);
  });
});
