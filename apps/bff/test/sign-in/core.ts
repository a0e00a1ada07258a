import { randomBytes } from 'node:crypto';
import { createLogger } from '../../src/logger.ts';
import { ProviderRegistry } from '../../src/providers/provider.ts';
import type { SignInDeps } from '../../src/sign-in/sign-in-deps.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { createTokenCipher } from '../../src/tokens/token-cipher.ts';
import { TestClock } from '../support/clock.ts';
import { afterAll, beforeAll } from 'vitest';
import { startMockProvider, type MockProvider } from '../support/mock-provider.ts';

export const SPA = 'http://localhost:5173';
export const REDIRECT_URI = 'http://localhost:3000/auth/callback';
/** The browser-binding cookie value of the browser that starts the logins. */
export const BINDING = 'b'.repeat(43);

/** A mock OpenID provider for the file's tests: started before them, stopped after. */
export function mockProviderForFile(): () => MockProvider {
  let op: MockProvider | undefined;
  beforeAll(async () => {
    op = await startMockProvider();
  });
  afterAll(async () => {
    await op?.close();
  });
  return () => op!;
}

/**
 * The sign-in core's deps with no HTTP server of ours: a memory store, a test clock, an OpenID provider (the mock
 * OP, found by discovery) named `mock`, and a plain OAuth 2.0 provider named `octo` whose explicit endpoints are
 * never called by the rules tested here.
 */
export function coreDeps(op: MockProvider): SignInDeps & { testClock: TestClock } {
  const testClock = new TestClock();
  const logger = createLogger('silent');
  const providers = ProviderRegistry.create(
    [
      {
        name: 'mock',
        issuer: op.issuer,
        clientId: op.clientId,
        clientSecret: op.clientSecret,
        allowInsecureHttp: true,
      },
      {
        name: 'octo',
        authorizationEndpoint: 'https://octo.example/login/oauth/authorize',
        tokenEndpoint: 'https://octo.example/login/oauth/access_token',
        userinfoEndpoint: 'https://api.octo.example/user',
        clientId: 'octo-client',
        clientSecret: 'octo-secret',
      },
    ],
    // A provider that is down answers at once on loopback; the short timeout only bounds a stuck one.
    { logger, timeoutSeconds: 2 },
  );
  return {
    store: createMemoryStore({ clock: testClock.now }),
    providers,
    cipher: createTokenCipher([{ id: 'k1', key: randomBytes(32) }]),
    clock: testClock.now,
    providerClock: () => Date.now(),
    logger,
    policy: {
      redirectUri: REDIRECT_URI,
      transactionTtlMs: 600_000,
      session: { idleTimeoutMs: 1_800_000, absoluteTimeoutMs: 28_800_000, touchIntervalMs: 60_000 },
    },
    testClock,
  };
}
