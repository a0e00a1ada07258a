import { expect, test } from '@playwright/test';
import { SPA_URL, USERS, expectDashboardOf, onSpa, signInFromHome } from './helpers.ts';

const { bob } = USERS;

/**
 * The production build of the SPA, served by `apps/spa/server.ts` with its Content-Security-Policy, runs with
 * zero CSP violations through sign-in, the dashboard, the sessions page and sign-out (ASVS 5.0 V3.4.3,
 * V3.4.6). Violations are caught twice: the `securitypolicyviolation` event in every SPA document, and
 * Chromium's console report.
 */
test('the built SPA runs under its Content-Security-Policy without a single violation', async ({ page }) => {
  const violations: string[] = [];
  await page.exposeFunction('__reportCspViolation', (report: string) => violations.push(report));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = `${location.origin} ${event.effectiveDirective} blocked ${event.blockedURI || '(inline)'}`;
      (window as unknown as { __reportCspViolation: (r: string) => void }).__reportCspViolation(report);
    });
  });
  page.on('console', (message) => {
    const text = message.text();
    if (
      onSpa(new URL(page.url())) &&
      /Content[- ]Security[- ]Policy|Refused to (load|execute|apply|connect|frame)/i.test(text)
    ) {
      violations.push(`console: ${text}`);
    }
  });

  const home = await page.goto('/');
  const csp = home?.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).toContain("base-uri 'none'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toMatch(/'unsafe-inline'|'unsafe-eval'|\*/);
  expect(home?.headers()['x-content-type-options']).toBe('nosniff');

  await signInFromHome(page, bob.username, bob.password);
  await expectDashboardOf(page, bob);
  await page.goto('/sessions');
  await expect(page.getByRole('button', { name: 'Sign out everywhere' })).toBeVisible();
  await page.goto('/dashboard');
  await expectDashboardOf(page, bob);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL((url) => url.origin === SPA_URL && url.pathname === '/');

  expect(violations.filter((v) => v.startsWith('console:') || v.startsWith(SPA_URL))).toEqual([]);
});
