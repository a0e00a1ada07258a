/**
 * The contract's error codes a client may meet; anything else a proxied API answers is kept as `http_<status>`
 * or its own `error` field.
 */
export type GatehouseErrorCode =
  | 'unauthenticated'
  | 'step_up_required'
  | 'csrf'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'invalid_request'
  | 'rate_limited'
  | 'too_many_streams'
  | 'store_unavailable'
  | 'upstream_unavailable'
  | 'upstream_timeout'
  | 'server_error'
  | 'network'
  | 'timeout'
  | 'invalid_response'
  | (string & {});

/** An answer of the BFF (or of an API behind its proxy) other than success, with its `{error, message}`. */
export class GatehouseError extends Error {
  override readonly name: string = 'GatehouseError';
  constructor(
    /** The HTTP status; 0 when the BFF could not be reached or took too long. */
    readonly status: number,
    readonly code: GatehouseErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** 401 `unauthenticated` from the BFF: there is no live session. A state, not a failure. */
export class UnauthenticatedError extends GatehouseError {
  override readonly name = 'UnauthenticatedError';
  constructor(message = 'You are signed out.') {
    super(401, 'unauthenticated', message);
  }
}

export function isUnauthenticated(error: unknown): error is UnauthenticatedError {
  return error instanceof UnauthenticatedError;
}

/**
 * 401 `step_up_required`: an API behind the proxy needs a stronger (`acr`) or more recent (`maxAge`, seconds)
 * sign-in than this session has. The session is still live; `stepUp(error)` signs in again to meet it.
 */
export class StepUpRequiredError extends GatehouseError {
  override readonly name = 'StepUpRequiredError';
  constructor(
    message: string,
    /** Any of these authentication contexts will do; null when only recency is asked for. */
    readonly acr: string[] | null,
    /** The sign-in must be at most this many seconds old; null when only `acr` is asked for. */
    readonly maxAge: number | null,
  ) {
    super(401, 'step_up_required', message);
  }
}

export function isStepUpRequired(error: unknown): error is StepUpRequiredError {
  return error instanceof StepUpRequiredError;
}
