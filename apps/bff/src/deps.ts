import type { Logger } from 'pino';
import type { SignInRefusals } from './sign-in/sign-in-refusals.ts';
import type { Config } from './config/env.ts';
import type { ApiConfig } from './config/providers-file.ts';
import type { ProviderRegistry } from './providers/provider.ts';
import type { TokenCipher } from './tokens/token-cipher.ts';
import type { Clock } from './clock.ts';
import type { SessionStore } from './store/store.ts';

/** Everything `createApp` is built from. `server.ts` wires the real ones; tests bring their own. */
export interface AppDeps {
  config: Config;
  store: SessionStore;
  providers: ProviderRegistry;
  /** Upstream APIs reachable through `/api/proxy/<name>/...`. */
  apis: ApiConfig[];
  cipher: TokenCipher;
  logger: Logger;
  clock: Clock;
  /** Counts sign-ins the `allow` rules refused (a metric); none counted when absent. */
  signInRefusals?: SignInRefusals;
}
