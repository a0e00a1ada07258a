import { expect } from '@playwright/test';
import {
  test,
  BFF_URL,
  SESSION_COOKIE,
  SPA_URL,
  USERS,
  devIdpSignInControl,
  expectDashboardOf,
  expectIdpSignInPage,
  onIdp,
  onSpa,
  sessionCookie,
  signInFromHome,
} from './helpers.ts';

const { alice } = USERS;

test('signing out lands on the signed-out home page and ends the IdP session too', async ({
  page,
  context,
  playwright,
}) => {
  await signInFromHome(page, alice.username, alice.password);
  await expectDashboardOf(page, alice);
  const cookieBefore = await sessionCookie(context);
  expect(cookieBefore).toBeDefined();

  // Through the IdP's end-session endpoint (no confirmation page) back to the SPA's home. The live events may
  // show the signed-out home first, so wait for the way back from the IdP itself: a page load of the SPA that
  // the IdP redirected to (a later navigation of the test's own would otherwise be cut short by it).
  const backFromIdp = page.waitForRequest((request) => {
    const from = request.redirectedFrom();
    return (
      request.isNavigationRequest() &&
      onSpa(new URL(request.url())) &&
      from !== null &&
      onIdp(new URL(from.url()))
    );
  });
  await page.getByRole('button', { name: 'Sign out' }).click();
  await (await backFromIdp).response();
  await page.waitForLoadState('load');
  await page.waitForURL((url) => url.origin === SPA_URL && url.pathname === '/');
  await expect(devIdpSignInControl(page)).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toHaveCount(0);
  // The live events may show the signed-out home before the logout answer (which clears the cookie) arrives.
  await expect.poll(() => sessionCookie(context)).toBeUndefined();
  const session = await page.request.get(`${BFF_URL}/api/session`, { headers: { 'X-CSRF': '1' } });
  expect(session.status()).toBe(401);

  // The old cookie is worthless now, even replayed by hand.
  const replay = await playwright.request.newContext();
  try {
    const replayed = await replay.get(`${BFF_URL}/api/session`, {
      headers: { 'X-CSRF': '1', Cookie: `${SESSION_COOKIE}=${cookieBefore?.value ?? ''}` },
    });
    expect(replayed.status()).toBe(401);
  } finally {
    await replay.dispose();
  }

  // The IdP session is over as well: the sign-in form shows, no silent redirect back.
  await page.goto('/dashboard');
  await expectIdpSignInPage(page);
});
