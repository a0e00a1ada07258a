import { z } from 'zod';

/** Every error code the BFF answers with, in the body and in `/?error=<code>` redirects. */
export const ERROR_CODES = [
  'invalid_request',
  'unauthenticated',
  'csrf',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'payload_too_large',
  'rate_limited',
  'too_many_streams',
  'store_unavailable',
  'provider_unavailable',
  'upstream_unavailable',
  'upstream_timeout',
  'server_error',
  // login outcomes, shown to the SPA as `/?error=<code>`
  'access_denied',
  'login_failed',
  'login_expired',
  // a silent sign-in (`prompt=none`) the provider could not answer without showing a page
  'login_required',
  // an API needs a stronger or more recent sign-in (`require.acr`, `require.maxAge`)
  'step_up_required',
] as const;
export const ErrorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

/** The one JSON error shape: `{"error": "<code>", "message": "<human text>"}`. */
export const ErrorBodySchema = z.object({
  error: z.string().min(1),
  message: z.string(),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
