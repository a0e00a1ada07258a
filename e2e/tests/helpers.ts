import {
  test as base,
  expect,
  type BrowserContext,
  type Cookie,
  type Locator,
  type Page,
} from '@playwright/test';
import { IDP_URL, SESSION_COOKIE, SPA_URL, useStack, type StackUrls } from '../origins.ts';

export { BFF_URL, IDP_URL, SESSION_COOKIE, SPA_URL } from '../origins.ts';

/**
 * Playwright's `test`, pointed at the stack of the project it runs in: a project for an extra stack (another
 * session store) names it in `metadata.stack`, and each worker runs the tests of one project only.
 */
export const test = base.extend<object, { stack: void }>({
  stack: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a fixture uses from this pattern
    async ({}, use, workerInfo) => {
      const stack = workerInfo.project.metadata.stack as (StackUrls & { store: string }) | undefined;
      if (stack) {
        // The project's BFF really runs on the store it is named for (its readiness names the store).
        const ready = await fetch(`${stack.bffUrl}/readyz`);
        expect(await ready.json()).toEqual({ status: 'ready', store: stack.store });
        useStack(stack);
      }
      await use();
    },
    { scope: 'worker', auto: true },
  ],
});

/**
 * The dev IdP's demo users (contract: "Demo users of the dev IdP"), and two more from
 * `fixtures/idp-users.json`, each owned by one session-management test: that test ends all of its
 * user's sessions, which must not sign out a test running beside it.
 */
export const USERS = {
  alice: { username: 'alice', password: 'wonderland', name: 'Alice Liddell', email: 'alice@example.com' },
  bob: { username: 'bob', password: 'builder', name: 'Bob Builder', email: 'bob@example.com' },
  carol: { username: 'carol', password: 'carol-e2e', name: 'Carol Revoker', email: 'carol@example.com' },
  dave: { username: 'dave', password: 'dave-e2e', name: 'Dave Everywhere', email: 'dave@example.com' },
  // For the providers' `allow` rules (fixtures/providers.json lets only example.com in) and `sessionClaims`.
  gina: { username: 'gina', password: 'gina-e2e', name: 'Gina Groups', email: 'gina@example.com' },
  otto: { username: 'otto', password: 'otto-e2e', name: 'Otto Outsider', email: 'otto@elsewhere.test' },
  // Owned by tests/live-session.spec.ts and tests-short-idle/ (sign-outs and revocations of their own).
  erin: { username: 'erin', password: 'erin-e2e', name: 'Erin Twotabs', email: 'erin@example.com' },
  frank: { username: 'frank', password: 'frank-e2e', name: 'Frank Revoked', email: 'frank@example.com' },
  grace: { username: 'grace', password: 'grace-e2e', name: 'Grace Idle', email: 'grace@example.com' },
} as const;
export type User = (typeof USERS)[keyof typeof USERS];

export const onIdp = (url: URL): boolean => url.origin === IDP_URL;
export const onSpa = (url: URL): boolean => url.origin === SPA_URL;

/** Waits until the browser shows the IdP's sign-in form (not an immediate redirect back). */
export async function expectIdpSignInPage(page: Page): Promise<void> {
  await page.waitForURL(onIdp);
  await expect(page.getByLabel('Username')).toBeVisible();
  await expect(page.getByLabel('Password')).toBeVisible();
}

/** Fills the IdP's sign-in form and submits it. The page must already be on (or heading to) that form. */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await expectIdpSignInPage(page);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** The home page's `Sign in with Dev IdP` control: a button or a link, per the contract. */
export function devIdpSignInControl(page: Page): Locator {
  const name = /^Sign in with Dev IdP/;
  return page.getByRole('button', { name }).or(page.getByRole('link', { name }));
}

/** From the SPA's home page, through `Sign in with Dev IdP` and the IdP's form, back to the SPA. */
export async function signInFromHome(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/');
  await devIdpSignInControl(page).click();
  await signIn(page, username, password);
  await page.waitForURL(onSpa);
}

/** The signed-in dashboard of `user`. */
export async function expectDashboardOf(page: Page, user: User): Promise<void> {
  await page.waitForURL((url) => onSpa(url) && url.pathname === '/dashboard');
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
  await expect(page.getByText(user.name).first()).toBeVisible();
  await expect(page.getByText(user.email).first()).toBeVisible();
}

export async function sessionCookie(context: BrowserContext): Promise<Cookie | undefined> {
  return (await context.cookies()).find((cookie) => cookie.name === SESSION_COOKIE);
}

/** A JSON Web Token (header.payload…): base64url of `{"` is `eyJ`; random opaque values never hold a dot. */
export const JWT_LIKE = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/;
