import type { SessionStore } from '../session/store.ts';
import type { Metrics } from './metrics.ts';

type Operation = Exclude<keyof SessionStore, 'kind'>;

const OPERATIONS: readonly Operation[] = [
  'get',
  'set',
  'touch',
  'update',
  'destroy',
  'listByUser',
  'listBySid',
  'putTransaction',
  'takeTransaction',
  'acquireLock',
  'releaseLock',
  'ping',
];

/**
 * The same store, each operation timed into `gatehouse_store_operation_duration_seconds` (failures included:
 * a store timing out is exactly what the histogram must show). `close` is passed through untimed.
 */
export function instrumentStore(store: SessionStore, metrics: Metrics): SessionStore {
  const timed = { kind: store.kind, close: () => store.close() } as SessionStore;
  for (const operation of OPERATIONS) {
    const original = (store[operation] as (...args: unknown[]) => Promise<unknown>).bind(store);
    (timed as unknown as Record<string, unknown>)[operation] = async (...args: unknown[]) => {
      const started = performance.now();
      try {
        return await original(...args);
      } finally {
        metrics.storeOperation(store.kind, operation, (performance.now() - started) / 1000);
      }
    };
  }
  return timed;
}
