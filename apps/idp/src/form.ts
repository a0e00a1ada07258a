import type { IncomingMessage } from 'node:http';
import { ServiceError } from '@gatehouse/shared/server';

/** Why a posted form is refused before anyone looks at it. */
export type FormErrorCode = 'unsupported_media_type' | 'payload_too_large';

/** What the refusals say to whoever posted the form. */
export interface FormMessages {
  wrongType: string;
  tooLarge: string;
}

const MAX_FORM_BYTES = 16 * 1024;
const DEFAULT_MESSAGES: FormMessages = {
  wrongType: 'The body must be application/x-www-form-urlencoded.',
  tooLarge: 'The body is too large.',
};

/**
 * Reads a small `application/x-www-form-urlencoded` body (the sign-in forms, token requests). Throws a
 * `ServiceError` (415 or 413) for another content type or a body over 16 KiB.
 */
export async function readForm(
  req: IncomingMessage,
  messages: FormMessages = DEFAULT_MESSAGES,
): Promise<URLSearchParams> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new ServiceError<FormErrorCode>(415, 'unsupported_media_type', messages.wrongType);
  }
  const tooLarge = () => new ServiceError<FormErrorCode>(413, 'payload_too_large', messages.tooLarge);
  if (Number(req.headers['content-length'] ?? 0) > MAX_FORM_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** A parameter given at most once (RFC 6749 §3.1); `null` when absent or empty, `undefined` when repeated. */
export function single(params: URLSearchParams, name: string): string | null | undefined {
  const values = params.getAll(name);
  if (values.length > 1) return undefined;
  return values[0] || null;
}
