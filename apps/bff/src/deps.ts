import type { Logger } from 'pino';
import type { Config } from './config/env.ts';
import type { SessionEventBus } from './events/session-event.ts';
import type { ApiConfig } from './config/providers-file.ts';
import type { ProviderRegistry } from './providers/provider.ts';
import type { TokenCipher } from './session/token-cipher.ts';
import type { Clock, SessionStore } from './session/store.ts';

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
  /** Live session events (`GET /api/session/events`); within the process when absent. */
  events?: SessionEventBus;
}
