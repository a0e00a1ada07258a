import { expect, test } from '@playwright/test';
import { BFF_URL, SPA_URL, USERS, onSpa, signIn } from './helpers.ts';

const { alice } = USERS;

/** By host, not by URL text: the BFF's own login URL carries the foreign target in its query. */
const isEvil = (url: URL): boolean =>
  url.hostname === 'evil.example' || url.hostname.endsWith('.evil.example');

const foreignTargets = ['https://evil.example/', '//evil.example', '/\\evil.example'];

for (const returnTo of foreignTargets) {
  test(`a foreign returnTo (${returnTo}) ends on the SPA, never on evil.example`, async ({
    page,
    context,
  }) => {
    const evilRequests: string[] = [];
    await context.route(isEvil, async (route) => {
      evilRequests.push(route.request().url());
      await route.abort();
    });

    await page.goto(`${BFF_URL}/auth/login?returnTo=${encodeURIComponent(returnTo)}`);
    await signIn(page, alice.username, alice.password);
    await page.waitForURL(onSpa);
    await page.waitForLoadState('networkidle');

    const landed = new URL(page.url());
    expect(landed.origin).toBe(SPA_URL);
    expect(landed.hostname).not.toContain('evil');
    expect(evilRequests).toEqual([]);
  });
}
