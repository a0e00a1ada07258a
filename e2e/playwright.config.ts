import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, devices } from '@playwright/test';
import {
  API_PORT,
  API_URL,
  BFF_PORT,
  BFF_URL,
  DEV_CLIENT_ID,
  DEV_CLIENT_SECRET,
  FILE_STACK,
  IDP_PORT,
  IDP_URL,
  OCTO_CLIENT_SECRET,
  OCTO_PORT,
  OCTO_URL,
  REDIS_STACK,
  SPA_PORT,
  SPA_URL,
  type ExtraStack,
} from './origins.ts';

/** The monorepo root: every process starts from there, as `pnpm start` does. */
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * The browser: `CHROMIUM_PATH` when set, else Debian's Chromium when installed, else Playwright's own
 * (which `scripts/test-prereqs.sh` never downloads: on this project's machines Debian's is the one).
 */
function chromiumPath(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return fromEnv;
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  return undefined;
}
const executablePath = chromiumPath();

/** One consistent wiring of the three processes, overriding whatever a developer's shell has set. */
const stackEnv: Record<string, string> = {
  // Playwright's default is FORCE_COLOR=1; the servers' logs read better plain.
  FORCE_COLOR: '0',
  LOG_LEVEL: 'warn',
  // Parallel runs on one machine would fight over the default metrics port.
  METRICS_PORT: '0',
  IDP_PORT: String(IDP_PORT),
  IDP_ISSUER: IDP_URL,
  BFF_PORT: String(BFF_PORT),
  SPA_PORT: String(SPA_PORT),
  PUBLIC_BFF_URL: BFF_URL,
  SPA_ORIGINS: SPA_URL,
  DEV_CLIENT_ID,
  DEV_CLIENT_SECRET,
  SESSION_STORE: 'memory',
  // The contract's demo users (alice, bob) plus one user per test that ends *all* of a user's sessions, so
  // those tests cannot sign out a user another worker is using at the same moment.
  IDP_USERS_FILE: fileURLToPath(new URL('fixtures/idp-users.json', import.meta.url)),
  // Two providers (the dev IdP and the GitHub-like plain OAuth 2 one) and the notes API behind the proxy.
  PROVIDERS_FILE: fileURLToPath(new URL('fixtures/providers.json', import.meta.url)),
  E2E_IDP_URL: IDP_URL,
  E2E_OCTO_URL: OCTO_URL,
  E2E_API_URL: API_URL,
  OAUTH2_PORT: String(OCTO_PORT),
  OCTO_CLIENT_SECRET,
  API_PORT: String(API_PORT),
  API_ISSUER: IDP_URL,
  API_AUDIENCE: API_URL,
  IDP_API_AUDIENCE: API_URL,
  // Every test signs in from 127.0.0.1; the BFF's per-IP login limit (default 30/min) is not under test here.
  RATE_LIMIT_LOGIN_PER_MINUTE: '10000',
};

const gracefulShutdown = { signal: 'SIGTERM', timeout: 5_000 } as const;

const browser = {
  ...devices['Desktop Chrome'],
  launchOptions: {
    ...(executablePath ? { executablePath } : {}),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  },
};

/** The specs that also run on the file store and on Redis (the memory store runs every spec). */
const STORE_SPECS = /(sign-in|sign-out|sessions)\.spec\.ts$/;

/** What differs for an extra stack: its own IdP, Octo, BFF and SPA ports, and its session store. */
function extraStackEnv(stack: ExtraStack, store: Record<string, string>): Record<string, string> {
  return {
    ...stackEnv,
    ...store,
    IDP_PORT: String(stack.idpPort),
    IDP_ISSUER: stack.idpUrl,
    BFF_PORT: String(stack.bffPort),
    SPA_PORT: String(stack.spaPort),
    PUBLIC_BFF_URL: stack.bffUrl,
    SPA_ORIGINS: stack.spaUrl,
    E2E_IDP_URL: stack.idpUrl,
    E2E_OCTO_URL: `http://localhost:${stack.octoPort}`,
    OAUTH2_PORT: String(stack.octoPort),
  };
}

/** The IdP, BFF and SPA server of an extra stack; the SPA is the one build the main stack made. */
function extraStackServers(stack: ExtraStack, store: Record<string, string>) {
  const env = extraStackEnv(stack, store);
  const server = (name: string, command: string, url: string) => ({
    name: `${stack.name}-${name}`,
    command,
    cwd: repoRoot,
    env,
    url,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe' as const,
    stderr: 'pipe' as const,
    gracefulShutdown,
  });
  return [
    server(
      'idp',
      'pnpm --silent --filter @gatehouse/idp start',
      `${stack.idpUrl}/.well-known/openid-configuration`,
    ),
    server('bff', 'pnpm --silent --filter @gatehouse/bff start', `${stack.bffUrl}/readyz`),
    server('spa', 'pnpm --silent --filter @gatehouse/spa start', `${stack.spaUrl}/`),
  ];
}

/** A fresh file and a fresh Redis namespace per run, so a run never sees an earlier run's sessions. */
const runId = `${process.pid}-${randomBytes(4).toString('hex')}`;
const fileStore = {
  SESSION_STORE: 'file',
  SESSION_FILE: join(tmpdir(), `gatehouse-e2e-${FILE_STACK.bffPort}`, `${runId}.sqlite`),
};
const redisStore = {
  SESSION_STORE: 'redis',
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  REDIS_KEY_PREFIX: `gatehouse-e2e:${runId}:`,
};

export default defineConfig({
  testDir: 'tests',
  outputDir: 'test-results',
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  // Flaky tests are fixed, not retried.
  retries: 0,
  // Two cores run three servers and a browser; two workers keep both busy without starving the servers.
  workers: 2,
  reporter: 'list',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL: SPA_URL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    actionTimeout: 10_000,
    navigationTimeout: 15_000,
  },
  projects: [
    { name: 'chromium', use: browser },
    // The specs of a signed-in life again on the persistent stores, each on a stack of its own.
    ...[FILE_STACK, REDIS_STACK].map((stack) => ({
      name: `${stack.name}-store`,
      testMatch: STORE_SPECS,
      use: { ...browser, baseURL: stack.spaUrl },
      metadata: {
        stack: { idpUrl: stack.idpUrl, bffUrl: stack.bffUrl, spaUrl: stack.spaUrl, store: stack.name },
      },
    })),
  ],
  // Started in this order, each once the previous one answers: the BFF discovers the IdP, the SPA is
  // built before it is served.
  webServer: [
    {
      name: 'idp',
      command: 'pnpm --silent --filter @gatehouse/idp start',
      cwd: repoRoot,
      env: stackEnv,
      url: `${IDP_URL}/.well-known/openid-configuration`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'pipe',
      stderr: 'pipe',
      gracefulShutdown,
    },
    {
      name: 'api',
      command: 'pnpm --silent --filter @gatehouse/api start',
      cwd: repoRoot,
      env: stackEnv,
      url: `${API_URL}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'pipe',
      stderr: 'pipe',
      gracefulShutdown,
    },
    {
      name: 'bff',
      command: 'pnpm --silent --filter @gatehouse/bff start',
      cwd: repoRoot,
      env: stackEnv,
      url: `${BFF_URL}/readyz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'pipe',
      stderr: 'pipe',
      gracefulShutdown,
    },
    {
      name: 'spa',
      command: 'pnpm --filter @gatehouse/spa build && pnpm --silent --filter @gatehouse/spa start',
      cwd: repoRoot,
      env: stackEnv,
      url: `${SPA_URL}/`,
      reuseExistingServer: false,
      // The production build takes a while on two cores.
      timeout: 240_000,
      stdout: 'ignore',
      stderr: 'pipe',
      gracefulShutdown,
    },
    ...extraStackServers(FILE_STACK, fileStore),
    ...extraStackServers(REDIS_STACK, redisStore),
  ],
});
