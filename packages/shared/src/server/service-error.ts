import { CodedError } from './coded-error.ts';

/**
 * The services' one error family at their HTTP edge (the BFF's `HttpError`, the notes API's `ApiError`, the dev
 * IdP's refusals): a status, a code for the `{"error", "message"}` body, a message a client may read, and
 * headers the answer must carry. Each service narrows `Code` to the codes it answers with and turns these into
 * a response in one place.
 */
export class ServiceError<Code extends string = string> extends CodedError<Code> {
  override name = 'ServiceError';
  constructor(
    readonly status: number,
    code: Code,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(code, message);
  }
}
