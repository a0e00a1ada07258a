import type { SessionStore } from '../store/store.ts';

export type StoreOperation = Exclude<keyof SessionStore, 'kind' | 'close'>;

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

/** The same store with every operation run through `around` (timing, a span); `close` passed through. */
export function decorateStore(
  store: SessionStore,
  around: (operation: StoreOperation, call: () => Promise<unknown>) => Promise<unknown>,
): SessionStore {
  const decorated = { kind: store.kind, close: () => store.close() } as SessionStore;
  for (const operation of OPERATIONS) {
    const original = (store[operation] as (...args: unknown[]) => Promise<unknown>).bind(store);
    (decorated as unknown as Record<string, unknown>)[operation] = (...args: unknown[]) =>
      around(operation, () => original(...args));
  }
  return decorated;
}
