/**
 * The ports of the short-idle stack (`playwright.short-idle.config.ts`), set before `origins.ts` reads them so
 * that it runs beside — never on the ports of — the main stack. Each can be moved with `E2E_SHORT_*_PORT`.
 */
const ports: Record<string, [string, string]> = {
  E2E_IDP_PORT: ['E2E_SHORT_IDP_PORT', '14010'],
  E2E_OCTO_PORT: ['E2E_SHORT_OCTO_PORT', '14011'],
  E2E_API_PORT: ['E2E_SHORT_API_PORT', '14110'],
  E2E_BFF_PORT: ['E2E_SHORT_BFF_PORT', '13010'],
  E2E_SPA_PORT: ['E2E_SHORT_SPA_PORT', '15183'],
};
for (const [name, [override, fallback]] of Object.entries(ports)) {
  process.env[name] = process.env[override] || fallback;
}

/** Short enough to see the warning (at half of it) and the expiry within one test; under the touch interval. */
export const SHORT_IDLE_TIMEOUT_SECONDS = 40;
