/**
 * An error that says why with a code, the way openid-client's `ClientError` does: callers branch on `code`,
 * never on the message. The services' errors all descend from it.
 */
export class CodedError<Code extends string = string> extends Error {
  override name = 'CodedError';
  constructor(
    readonly code: Code,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
