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

/** The origins of one stack (IdP, BFF, SPA) that the specs talk to. */
export interface StackUrls {
  idpUrl: string;
  bffUrl: string;
  spaUrl: string;
}

// `let`: a worker running an extra stack's project points them at that stack (`useStack`, tests/helpers.ts).
export let IDP_URL = `http://localhost:${IDP_PORT}`;
export let BFF_URL = `http://localhost:${BFF_PORT}`;
export let SPA_URL = `http://localhost:${SPA_PORT}`;

export function useStack(urls: StackUrls): void {
  IDP_URL = urls.idpUrl;
  BFF_URL = urls.bffUrl;
  SPA_URL = urls.spaUrl;
}

/**
 * An extra stack — its own IdP (with its Octo provider), BFF and SPA server — on which the sign-in, sign-out
 * and sessions specs run again with a persistent session store. Its ports follow the main ones (+offset) and
 * each can be moved with `E2E_<NAME>_IDP_PORT`, `_OCTO_PORT`, `_BFF_PORT` and `_SPA_PORT`.
 */
export interface ExtraStack extends StackUrls {
  name: string;
  idpPort: number;
  octoPort: number;
  bffPort: number;
  spaPort: number;
}

function extraStack(name: string, offset: number): ExtraStack {
  const prefix = `E2E_${name.toUpperCase()}`;
  const idpPort = port(`${prefix}_IDP_PORT`, IDP_PORT + offset);
  const octoPort = port(`${prefix}_OCTO_PORT`, OCTO_PORT + offset);
  const bffPort = port(`${prefix}_BFF_PORT`, BFF_PORT + offset);
  const spaPort = port(`${prefix}_SPA_PORT`, SPA_PORT + offset);
  return {
    name,
    idpPort,
    octoPort,
    bffPort,
    spaPort,
    idpUrl: `http://localhost:${idpPort}`,
    bffUrl: `http://localhost:${bffPort}`,
    spaUrl: `http://localhost:${spaPort}`,
  };
}

export const FILE_STACK = extraStack('file', 20);
export const REDIS_STACK = extraStack('redis', 40);
/** The GitHub-like plain OAuth 2 provider the dev IdP process also serves. */
export const OCTO_URL = `http://localhost:${OCTO_PORT}`;
/** The sample notes API, reached through the BFF's proxy with the user's token. */
export const API_URL = `http://localhost:${API_PORT}`;
export const OCTO_CLIENT_SECRET = 'octo-e2e-secret';

/** Shared by the IdP (the registered client) and the BFF (the client it acts as). */
export const DEV_CLIENT_ID = 'gatehouse';
export const DEV_CLIENT_SECRET = 'gatehouse-e2e-secret';

export const SESSION_COOKIE = '__Host-gatehouse';
