/** The provider's tokens for one session. Lives only inside the store, sealed; never sent to the browser. */
export interface TokenSet {
  accessToken: string;
  tokenType: string;
  refreshToken: string | null;
  idToken: string | null;
  scope: string | null;
  /** Epoch ms; null when the provider did not say. */
  expiresAt: number | null;
}
