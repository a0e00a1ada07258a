import type { ErrorCode } from '@gatehouse/shared';
import { ServiceError } from '@gatehouse/shared/server';

/**
 * The BFF's one error family. Handlers throw these; `http/error-handler.ts` turns them into
 * `{"error", "message"}` in one place. `expose` false means the message is for logs only.
 */
export class HttpError extends ServiceError<ErrorCode> {
  override name = 'HttpError';
  /** Further members of the JSON body, beside `error` and `message` (e.g. what a step-up needs). */
  details: Record<string, unknown> | undefined;
  get expose(): boolean {
    return this.status < 500 || this.status === 503 || this.status === 502 || this.status === 504;
  }
}

export const invalidRequest = (message: string): HttpError => new HttpError(400, 'invalid_request', message);
export const unauthenticated = (): HttpError => new HttpError(401, 'unauthenticated', 'Sign in to continue.');
export const csrfRejected = (message: string): HttpError => new HttpError(403, 'csrf', message);
export const forbidden = (message: string): HttpError => new HttpError(403, 'forbidden', message);
export const notFound = (message = 'Not found.'): HttpError => new HttpError(404, 'not_found', message);
export const storeUnavailable = (): HttpError =>
  new HttpError(503, 'store_unavailable', 'The session store is unavailable. Try again shortly.', {
    'Retry-After': '1',
  });

/** 401 `step_up_required`: the session must sign in again with `acr` / within `maxAge` (null when either will do). */
export function stepUpRequired(message: string, acr: string[] | null, maxAge: number | null): HttpError {
  const error = new HttpError(401, 'step_up_required', message);
  error.details = { acr, maxAge };
  return error;
}
