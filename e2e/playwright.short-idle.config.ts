// First: moves the stack to its own ports before the main configuration reads them.
import { SHORT_IDLE_TIMEOUT_SECONDS } from './short-idle-env.ts';
import { defineConfig } from '@playwright/test';
import main from './playwright.config.ts';

/**
 * A second stack whose BFF has a short idle timeout (and the default one-minute touch interval), for the
 * expiry warning: `pnpm --filter @gatehouse/e2e test` runs it after the main one.
 */
export default defineConfig({
  ...main,
  testDir: 'tests-short-idle',
  outputDir: 'test-results-short-idle',
  timeout: 150_000,
  webServer: (Array.isArray(main.webServer) ? main.webServer : []).map((server) => ({
    ...server,
    env: { ...server.env, SESSION_IDLE_TIMEOUT: String(SHORT_IDLE_TIMEOUT_SECONDS) },
  })),
});
