/**
 * The dedicated ports and origins of the end-to-end stack. They differ from the `pnpm start` defaults
 * (4000/3000/5173) so a developer's running stack never clashes with a test run; each can be moved with
 * `E2E_IDP_PORT`, `E2E_BFF_PORT` and `E2E_SPA_PORT`.
 */
function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0 || value > 65535) {
    throw new Error(`${name} must be a TCP port (1-65535), got "${raw}"`);
  }
  return value;
}

export const IDP_PORT = port('E2E_IDP_PORT', 14000);
export const BFF_PORT = port('E2E_BFF_PORT', 13000);
export const SPA_PORT = port('E2E_SPA_PORT', 15173);
export const OCTO_PORT = port('E2E_OCTO_PORT', 14001);
export const API_PORT = port('E2E_API_PORT', 14100);

export const IDP_URL = `http://localhost:${IDP_PORT}`;
export const BFF_URL = `http://localhost:${BFF_PORT}`;
export const SPA_URL = `http://localhost:${SPA_PORT}`;
/** The GitHub-like plain OAuth 2 provider the dev IdP process also serves. */
export const OCTO_URL = `http://localhost:${OCTO_PORT}`;
/** The sample notes API, reached through the BFF's proxy with the user's token. */
export const API_URL = `http://localhost:${API_PORT}`;
export const OCTO_CLIENT_SECRET = 'octo-e2e-secret';

/** Shared by the IdP (the registered client) and the BFF (the client it acts as). */
export const DEV_CLIENT_ID = 'gatehouse';
export const DEV_CLIENT_SECRET = 'gatehouse-e2e-secret';

export const SESSION_COOKIE = '__Host-gatehouse';
