import type { SessionStore } from '../store/store.ts';
import type { Metrics } from './metrics.ts';
import { decorateStore } from './store-decorator.ts';

/**
 * The same store, each operation timed into `gatehouse_store_operation_duration_seconds` (failures included:
 * a store timing out is exactly what the histogram must show). Each operation's series is bound once, here.
 */
export function instrumentStore(store: SessionStore, metrics: Metrics): SessionStore {
  return decorateStore(store, (operation, call) => {
    const observe = metrics.storeOperation(store.kind, operation);
    // An async function, not promise callbacks: no closures made per call to carry the start time.
    return async (...args) => {
      const started = performance.now();
      try {
        return await call(...args);
      } finally {
        observe((performance.now() - started) / 1000);
      }
    };
  });
}
