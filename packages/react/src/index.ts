export { createGatehouseClient, CSRF_HEADER, safeReturnTo } from './client.ts';
export type {
  GatehouseClient,
  GatehouseClientOptions,
  LoginOptions,
  ProxyRequest,
  StepUpRequirement,
} from './client.ts';
export { GatehouseError, UnauthenticatedError, isUnauthenticated } from './errors.ts';
export { StepUpRequiredError, isStepUpRequired } from './errors.ts';
export type { GatehouseErrorCode } from './errors.ts';
export { listOf, type Guard } from './guards.ts';
export { expiryPlan, WARNING_LEAD_MS, type ExpiryWarning } from './expiry.ts';
export { createGatehouse, isSignInRequired } from './gatehouse.ts';
export type { Gatehouse, GatehouseOptions, GuardResult, SignInRequired } from './gatehouse.ts';
export { createSessionStore } from './session-store.ts';
export type { SessionState, SessionStatus, SessionStore, SessionStoreOptions } from './session-store.ts';
export { GatehouseProvider, RequireSession, useGatehouse, useSession } from './react.tsx';
export type { GatehouseProviderProps, UseSession } from './react.tsx';
export { createAccounts, useAccounts } from './accounts.ts';
export type { Accounts, AccountsOptions, UseAccounts } from './accounts.ts';
