import type { SignInError, SignInErrorCode } from '../sign-in/sign-in-error.ts';
import { HttpError } from './errors.ts';

/** The one place where the sign-in core's refusals become statuses, codes and headers. */
const ANSWERS: Record<SignInErrorCode, (message: string) => HttpError> = {
  invalid_request: (message) => new HttpError(400, 'invalid_request', message),
  invalid_logout_token: (message) => new HttpError(400, 'invalid_request', message),
  session_ended: (message) => new HttpError(401, 'unauthenticated', message),
  provider_unavailable: (message) =>
    new HttpError(503, 'provider_unavailable', message, { 'Retry-After': '5' }),
  refresh_pending: (message) => new HttpError(503, 'provider_unavailable', message),
  unknown_account: (message) => new HttpError(404, 'not_found', message),
};

export const httpErrorFor = (error: SignInError): HttpError => ANSWERS[error.code](error.message);
