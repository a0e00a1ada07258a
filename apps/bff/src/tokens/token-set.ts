import type { DpopKey } from './dpop-key.ts';

/** The provider's tokens for one session. Lives only inside the store, sealed; never sent to the browser. */
export interface TokenSet {
  accessToken: string;
  tokenType: string;
  refreshToken: string | null;
  idToken: string | null;
  scope: string | null;
  /** Epoch ms; null when the provider did not say. */
  expiresAt: number | null;
  /** Epoch ms when the access token was obtained: its lifetime sets how early it is refreshed. */
  obtainedAt?: number;
  /** Access tokens obtained for one resource each (RFC 8707), keyed by the resource's URL. */
  resources?: Record<string, ResourceToken>;
  /** The session's DPoP key pair when its provider binds tokens to one (RFC 9449); sealed with the tokens. */
  dpopKey?: DpopKey;
}

export interface ResourceToken {
  accessToken: string;
  expiresAt: number | null;
  obtainedAt?: number;
}
