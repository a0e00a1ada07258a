import { expect, type Page, type Request } from '@playwright/test';
import {
  test,
  BFF_URL,
  SESSION_COOKIE,
  SPA_URL,
  USERS,
  devIdpSignInControl,
  expectDashboardOf,
  onSpa,
  signInFromHome,
} from './helpers.ts';

const { alice } = USERS;

/**
 * Turns on the SPA's opt-in silent sign-in for this page, as `SPA_SILENT_SIGN_IN=true` would for the SPA server
 * (the e2e stack leaves it off, so the other specs see the plain behaviour).
 */
async function withSilentSignIn(page: Page): Promise<void> {
  await page.route(`${SPA_URL}/config.json`, async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, json: { ...(await response.json()), silentSignIn: true } });
  });
}

/** What the tab went through: every top-level request, and every document it actually showed. */
function watch(page: Page) {
  const requests: URL[] = [];
  const shown: URL[] = [];
  page.on('request', (request: Request) => {
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) {
      requests.push(new URL(request.url()));
    }
  });
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) shown.push(new URL(frame.url()));
  });
  const silentLogins = () =>
    requests.filter(
      (u) => u.href.startsWith(`${BFF_URL}/auth/login?`) && u.searchParams.get('prompt') === 'none',
    );
  return { requests, shown, silentLogins };
}

test.describe('silent sign-in (opt-in, once per tab)', () => {
  test('signed in at the IdP: the home page comes back signed in, and no page but the SPA is shown', async ({
    page,
    context,
  }) => {
    await signInFromHome(page, alice.username, alice.password);
    await expectDashboardOf(page, alice);
    // The BFF session goes, the IdP's stays: the situation silent sign-in is for.
    await context.clearCookies({ name: SESSION_COOKIE });

    const tab = await context.newPage();
    await withSilentSignIn(tab);
    const seen = watch(tab);
    await tab.goto('/');
    await expect(tab.getByText(`Signed in as ${alice.name}.`)).toBeVisible();
    expect(seen.silentLogins()).toHaveLength(1);
    expect(seen.shown.every(onSpa)).toBe(true);
    expect(new URL(tab.url()).search).toBe('');
    await expect(tab.getByRole('alert')).toHaveCount(0);
  });

  test('not signed in at the IdP: back at the home page quietly, signed out, and never tried twice', async ({
    page,
  }) => {
    await withSilentSignIn(page);
    const seen = watch(page);
    await page.goto('/');
    await expect(devIdpSignInControl(page)).toBeVisible();
    // It went to the IdP and came back with login_required, which the page took away without a word.
    expect(seen.silentLogins()).toHaveLength(1);
    expect(seen.requests.some((u) => onSpa(u) && u.searchParams.get('error') === 'login_required')).toBe(
      true,
    );
    expect(seen.shown.every(onSpa)).toBe(true);
    await expect(page).toHaveURL(`${SPA_URL}/`);
    await expect(page.getByRole('alert')).toHaveCount(0);

    await page.reload();
    await expect(devIdpSignInControl(page)).toBeVisible();
    await page.goto('/?tab=again');
    await expect(devIdpSignInControl(page)).toBeVisible();
    expect(seen.silentLogins()).toHaveLength(1);
  });
});
