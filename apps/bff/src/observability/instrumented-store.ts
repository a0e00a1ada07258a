import type { SessionStore } from '../store/store.ts';
import type { Metrics } from './metrics.ts';
import { decorateStore } from './store-decorator.ts';

/**
 * The same store, each operation timed into `gatehouse_store_operation_duration_seconds` (failures included:
 * a store timing out is exactly what the histogram must show).
 */
export function instrumentStore(store: SessionStore, metrics: Metrics): SessionStore {
  return decorateStore(store, (operation, call) => {
    const started = performance.now();
    const record = (): void =>
      metrics.storeOperation(store.kind, operation, (performance.now() - started) / 1000);
    return call().then(
      (result) => {
        record();
        return result;
      },
      (error: unknown) => {
        record();
        throw error;
      },
    );
  });
}
