import type { SessionStore } from '../store/store.ts';

export type StoreOperation = Exclude<keyof SessionStore, 'kind' | 'close'>;
export type StoreCall = (...args: unknown[]) => Promise<unknown>;

const OPERATIONS: readonly StoreOperation[] = [
  'get',
  'set',
  'touch',
  'update',
  'destroy',
  'listByUser',
  'listBySid',
  'getAccounts',
  'setAccounts',
  'destroyAccounts',
  'putTransaction',
  'takeTransaction',
  'acquireLock',
  'releaseLock',
  'ping',
];

/**
 * The same store with every operation replaced by what `wrap` makes of it (timing, a span), once per operation
 * here rather than per call; `close` passed through.
 */
export function decorateStore(
  store: SessionStore,
  wrap: (operation: StoreOperation, call: StoreCall) => StoreCall,
): SessionStore {
  const decorated = { kind: store.kind, close: () => store.close() } as SessionStore;
  for (const operation of OPERATIONS) {
    const original = (store[operation] as StoreCall).bind(store);
    (decorated as unknown as Record<string, StoreCall>)[operation] = wrap(operation, original);
  }
  return decorated;
}
