/**
 * The one place the benchmarks reach into the BFF's sources. The bench builds the real app from the real
 * modules, as `apps/bff/src/server.ts` does, so every import from `apps/bff` goes through this file.
 */
export { createApp } from '../../../apps/bff/src/app.ts';
export type { AppDeps } from '../../../apps/bff/src/deps.ts';
export { parseConfig, type Config } from '../../../apps/bff/src/config/env.ts';
export { resolveEncryptionKeys } from '../../../apps/bff/src/config/encryption-keys.ts';
export { loadProvidersFile } from '../../../apps/bff/src/config/providers-file.ts';
export { answerClientError } from '../../../apps/bff/src/http/client-error.ts';
export { createLogger } from '../../../apps/bff/src/logger.ts';
export { instrumentStore } from '../../../apps/bff/src/observability/instrumented-store.ts';
export { createMetrics } from '../../../apps/bff/src/observability/metrics.ts';
export { createMetricsServer, listenMetrics } from '../../../apps/bff/src/observability/metrics-server.ts';
export { ProviderRegistry } from '../../../apps/bff/src/providers/provider.ts';
export { NO_STORE_HEADERS, securityHeaderList } from '../../../apps/bff/src/security/headers.ts';
export { csrfRefusal } from '../../../apps/bff/src/security/request-guard.ts';
export { hashBinding } from '../../../apps/bff/src/sign-in/binding-hash.ts';
export { beginLogin } from '../../../apps/bff/src/sign-in/begin-login.ts';
export { createStore } from '../../../apps/bff/src/store/create-store.ts';
export { createMemoryStore } from '../../../apps/bff/src/store/memory-store.ts';
export { createRedisStore } from '../../../apps/bff/src/store/redis-store.ts';
export {
  isWellFormedSessionId,
  newSessionId,
  newSessionIdFor,
  newTransactionId,
  storeKeyFor,
} from '../../../apps/bff/src/session/keys.ts';
export {
  idleUpdateDue,
  newSession,
  toSessionInfo,
  type LifetimePolicy,
} from '../../../apps/bff/src/session/lifetime.ts';
export type { SessionStore, StoredSession } from '../../../apps/bff/src/store/store.ts';
export { createTokenCipher, type TokenCipher } from '../../../apps/bff/src/tokens/token-cipher.ts';
export type { TokenSet } from '../../../apps/bff/src/tokens/token-set.ts';
export { openTokens, sealTokens } from '../../../apps/bff/src/tokens/sealed-tokens.ts';
// The real Sentinel set and Cluster the BFF's own tests start, for the Redis-topology scenarios.
export {
  CLUSTER_BUS_OFFSET,
  startCluster,
  startSentinelSet,
  type RedisCluster,
  type SentinelSet,
} from '../../../apps/bff/test/support/redis-topology.ts';
export { children as redisChildren, stop as stopRedis } from '../../../apps/bff/test/support/redis-server.ts';
