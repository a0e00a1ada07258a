import type { IncomingMessage } from 'node:http';

/** A request the provider refuses before looking at it: wrong content type, too large. */
export class FormError extends Error {
  override name = 'FormError';
  constructor(
    readonly status: 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

const MAX_FORM_BYTES = 16 * 1024;

/** Reads a small `application/x-www-form-urlencoded` body (the sign-in form, token requests). */
export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new FormError(415, 'The body must be application/x-www-form-urlencoded.');
  }
  if (Number(req.headers['content-length'] ?? 0) > MAX_FORM_BYTES) {
    throw new FormError(413, 'The body is too large.');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new FormError(413, 'The body is too large.');
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
