import { CodedError } from '@gatehouse/shared/server';

/**
 * Why the sign-in core refused: the way openid-client has one `ClientError` with a `code`. The core knows no
 * HTTP; `http/sign-in-errors.ts` alone turns each code into a status and the contract's JSON error.
 */
export class SignInError extends CodedError<SignInErrorCode> {
  override name = 'SignInError';
}

/**
 * `invalid_request`: no provider of that name, or no valid login transaction. `provider_unavailable`: the
 * provider cannot be reached, for a reason that may pass. `refresh_pending`: another replica is refreshing the
 * session's tokens and has not finished in time. `session_ended`: the session is gone, or the provider refused
 * to refresh its tokens. `invalid_logout_token`: a back-channel logout token failed validation or was replayed.
 * `unknown_account`: an account handle this browser does not hold (another browser's, another user's, ended).
 */
export type SignInErrorCode =
  | 'invalid_request'
  | 'provider_unavailable'
  | 'refresh_pending'
  | 'session_ended'
  | 'invalid_logout_token'
  | 'unknown_account';

export const providerUnavailable = (name: string): SignInError =>
  new SignInError('provider_unavailable', `The identity provider "${name}" is unavailable right now.`);

export const sessionEnded = (): SignInError =>
  new SignInError('session_ended', 'Your session has ended. Sign in again.');
