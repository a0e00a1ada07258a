import { ServiceError } from '@gatehouse/shared/server';

/**
 * The API's one error family: handlers throw these, `error-handler.ts` answers them as
 * `{"error": "<code>", "message": "<human text>"}` in one place.
 */

export type ApiErrorCode =
  | 'invalid_request'
  | 'invalid_token'
  | 'not_found'
  | 'method_not_allowed'
  | 'limit_reached'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'temporarily_unavailable'
  | 'server_error';

export class ApiError extends ServiceError<ApiErrorCode> {
  override name = 'ApiError';
}

/** RFC 6750 §3: every refused token gets the same challenge; the reason stays in the JSON body. */
export const invalidToken = (message: string): ApiError =>
  new ApiError(401, 'invalid_token', message, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });

export const invalidRequest = (message: string): ApiError => new ApiError(400, 'invalid_request', message);

export const notFound = (message = 'Not found.'): ApiError => new ApiError(404, 'not_found', message);
