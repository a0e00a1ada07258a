import { randomBytes } from 'node:crypto';
import type { DemoUser } from '../users.ts';

/**
 * The provider's state, in memory: authorization codes (single use, 60 s) and access tokens (1 h). Expired
 * entries are swept on every insert and the maps are bounded, so a flood of requests cannot grow them forever.
 */

export interface AuthorizationCode {
  clientId: string;
  /** The redirect_uri of the authorization request, or `null` when it was left out (the registered one). */
  redirectUri: string | null;
  scope: string;
  codeChallenge: string | null;
  user: DemoUser;
  expiresAt: number;
  /** Presented once already (successfully or not). */
  spent: boolean;
  /** The token it was exchanged for; a replay of the code revokes it (RFC 6749 §4.1.2). */
  accessToken?: string;
}

export interface AccessTokenGrant {
  clientId: string;
  scope: string;
  user: DemoUser;
  expiresAt: number;
}

const MAX_ENTRIES = 10_000;

class ExpiringMap<V extends { expiresAt: number }> {
  readonly #entries = new Map<string, V>();
  constructor(readonly clock: () => number) {}

  set(key: string, value: V): void {
    const now = this.clock();
    for (const [k, v] of this.#entries) if (v.expiresAt <= now) this.#entries.delete(k);
    // Still full of live entries: drop the oldest (insertion order).
    while (this.#entries.size >= MAX_ENTRIES) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
    this.#entries.set(key, value);
  }

  get(key: string): V | undefined {
    const value = this.#entries.get(key);
    if (value && value.expiresAt <= this.clock()) {
      this.#entries.delete(key);
      return undefined;
    }
    return value;
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }
}

export const CODE_TTL_MS = 60_000;
export const TOKEN_TTL_MS = 60 * 60_000;

const random = (bytes: number): string => randomBytes(bytes).toString('base64url');

export class GrantStore {
  readonly #codes: ExpiringMap<AuthorizationCode>;
  readonly #tokens: ExpiringMap<AccessTokenGrant>;

  constructor(readonly clock: () => number = Date.now) {
    this.#codes = new ExpiringMap(clock);
    this.#tokens = new ExpiringMap(clock);
  }

  issueCode(grant: Omit<AuthorizationCode, 'expiresAt' | 'spent' | 'accessToken'>): string {
    const code = random(24);
    this.#codes.set(code, { ...grant, expiresAt: this.clock() + CODE_TTL_MS, spent: false });
    return code;
  }

  /**
   * The code's grant while it is live, spending it: every presentation counts, so a wrong PKCE verifier
   * cannot be retried. `replayed` says it had been presented before.
   */
  takeCode(code: string): { grant: AuthorizationCode; replayed: boolean } | undefined {
    const grant = this.#codes.get(code);
    if (!grant) return undefined;
    const replayed = grant.spent;
    grant.spent = true;
    return { grant, replayed };
  }

  issueToken(code: AuthorizationCode): { accessToken: string; grant: AccessTokenGrant } {
    // GitHub's OAuth app tokens start with `gho_`; clients sometimes look at that.
    const accessToken = `gho_${random(27)}`;
    const grant: AccessTokenGrant = {
      clientId: code.clientId,
      scope: code.scope,
      user: code.user,
      expiresAt: this.clock() + TOKEN_TTL_MS,
    };
    this.#tokens.set(accessToken, grant);
    code.accessToken = accessToken;
    return { accessToken, grant };
  }

  findToken(accessToken: string): AccessTokenGrant | undefined {
    return this.#tokens.get(accessToken);
  }

  revokeToken(accessToken: string): void {
    this.#tokens.delete(accessToken);
  }
}
