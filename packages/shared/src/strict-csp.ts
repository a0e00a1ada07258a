import { z } from 'zod';

/**
 * Import this module first in code that runs in a browser under a strict Content-Security-Policy
 * (`script-src 'self'`, no `'unsafe-eval'`), as the SPA does: `import '@gatehouse/shared/strict-csp'`.
 *
 * zod compiles fast object parsers with `new Function`, and decides whether it may when each object schema
 * is *built* — by probing `new Function('')`. The CSP blocks the probe and reports it as a violation, even
 * though zod catches the error and falls back. `jitless` skips the probe and the compilation; it must be set
 * before the shared schemas are built, hence a side-effect module of its own rather than a function.
 * The BFF does not import it and keeps the compiled parsers.
 */
z.config({ jitless: true });
