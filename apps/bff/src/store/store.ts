import type { SessionClaims, UserInfo } from '@gatehouse/shared';

/**
 * A session as the store keeps it. The store key is the SHA-256 of the cookie value (see `session/keys.ts`),
 * so a store dump yields no usable cookie; the same key doubles as the opaque handle `GET /api/sessions` shows.
 * Times are epoch milliseconds.
 */
export interface StoredSession {
  v: 1;
  provider: string;
  user: UserInfo;
  /** The provider's session id (`sid` claim), for back-channel logout; null when the provider sends none. */
  sid: string | null;
  createdAt: number;
  lastSeenAt: number;
  idleExpiresAt: number;
  absoluteExpiresAt: number;
  userAgent: string | null;
  /** The provider's tokens, sealed with `TokenCipher` (AES-256-GCM); never plaintext at rest. */
  tokens: string;
  /** When the access token expires (epoch ms), readable without opening `tokens`; null when unknown. */
  accessTokenExpiresAt: number | null;
  /** The provider's `sessionClaims` the user has (absent in records from before them). Never logged. */
  claims?: SessionClaims;
  /** The authentication context class (`acr`) of the ID token that made or last stepped up the session. */
  acr?: string | null;
  /** When the user last authenticated at the provider (`auth_time`, epoch ms); null when it did not say. */
  authTime?: number | null;
}

/** A login in flight, from `/auth/login` to `/auth/callback`. Single-use, short-lived. */
export interface LoginTransaction {
  provider: string;
  /** SHA-256 of the browser-binding cookie that started the login. */
  browserBinding: string;
  codeVerifier: string;
  nonce: string | null;
  returnTo: string;
  createdAt: number;
  /** A step-up: what the sign-in must prove, and whose session it upgrades (absent for an ordinary sign-in). */
  stepUp?: StepUpRequest;
  /** The sign-in adds an account to the browser's instead of replacing its session (`addAccount=1`). */
  addAccount?: true;
}

/** `acr` and `maxAge` asked for at `/auth/login`, checked against the ID token at the callback. */
export interface StepUpRequest {
  /** Acceptable `acr` values, any one of them; null when any will do. */
  acr: string[] | null;
  /** The most seconds since the user last authenticated; null when any time will do. */
  maxAge: number | null;
  /** The `sub` of the session being upgraded; null when there was none (a new session is made). */
  upgradeOf: string | null;
}

/**
 * The accounts one browser holds at once (`sign-in/browser-accounts.ts`), kept under the SHA-256 of its cookie
 * once it holds more than one. It names sessions by their store keys (the handles `GET /api/sessions` shows),
 * never by a cookie value, so it holds nothing secret; each session keeps its own expiry and revocation.
 */
export interface BrowserAccounts {
  v: 1;
  /** Store keys of the browser's account sessions, in the order they were added. */
  accounts: string[];
  /** The store key of the account the browser acts as. */
  active: string;
  /** When the record goes (epoch ms): the last absolute end of its sessions. */
  expiresAt: number;
}

export interface SessionIdleUpdate {
  lastSeenAt: number;
  idleExpiresAt: number;
}

/** Thrown by a store that cannot reach its backend; answered as 503 `store_unavailable`. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  constructor(message = 'The session store is unavailable.', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * Where sessions and login transactions live. Every implementation (memory, file, redis) passes the same
 * suite in `test/store/store-suite.ts`.
 *
 * Expiry rules every store enforces with its injected clock: a session is dead once
 * `now >= min(idleExpiresAt, absoluteExpiresAt)`; a transaction once `now >= expiresAt`. Dead entries read
 * as null and are deleted, not merely ignored.
 */
export interface SessionStore {
  readonly kind: 'memory' | 'file' | 'redis';
  get(key: string): Promise<StoredSession | null>;
  /** Creates or replaces the session and indexes it under its user (`provider` + `user.sub`). */
  set(key: string, session: StoredSession): Promise<void>;
  /**
   * Moves the idle expiry forward without rewriting the record. Never resurrects: answers false and writes
   * nothing when the session is gone or dead.
   */
  touch(key: string, update: SessionIdleUpdate): Promise<boolean>;
  /**
   * Replaces a live session (after a token refresh, say). Never resurrects: answers false and writes nothing
   * when the session is gone or dead, so a write racing a revocation cannot bring the session back.
   */
  update(key: string, session: StoredSession): Promise<boolean>;
  destroy(key: string): Promise<void>;
  /** The user's live sessions, as `[key, session]` pairs, oldest first. */
  listByUser(provider: string, sub: string): Promise<Array<[string, StoredSession]>>;
  /** The live sessions a provider session (`sid`) spans, for back-channel logout tokens that carry no `sub`. */
  listBySid(provider: string, sid: string): Promise<Array<[string, StoredSession]>>;
  /** A browser's accounts, or null when there is no such record or it expired (`expiresAt`). */
  getAccounts(key: string): Promise<BrowserAccounts | null>;
  /** Creates or replaces a browser's accounts; kept until `accounts.expiresAt`. */
  setAccounts(key: string, accounts: BrowserAccounts): Promise<void>;
  destroyAccounts(key: string): Promise<void>;
  putTransaction(id: string, tx: LoginTransaction, expiresAt: number): Promise<void>;
  /** Reads and deletes atomically: a second call with the same id gets null. */
  takeTransaction(id: string): Promise<LoginTransaction | null>;
  /**
   * A short lease on `name`, so that one replica at a time refreshes a session's tokens. Answers an owner token,
   * or null while someone else holds an unexpired lease.
   */
  acquireLock(name: string, ttlMs: number): Promise<string | null>;
  /** Releases the lease if `token` still owns it (an expired lease taken over by another owner is left alone). */
  releaseLock(name: string, token: string): Promise<void>;
  /** Throws `StoreUnavailableError` when the backend does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
