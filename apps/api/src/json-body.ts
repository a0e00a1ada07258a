import type { Context } from 'koa';
import { ApiError, invalidRequest } from './errors.ts';

/**
 * Reads a JSON request body of at most `limit` bytes: 415 unless the body is declared JSON, 413 past the
 * limit (checked against Content-Length first, then while reading), 400 for invalid UTF-8 or JSON.
 */
export async function readJsonBody(ctx: Context, limit: number): Promise<unknown> {
  if (!ctx.request.is('application/json', '+json')) {
    throw new ApiError(415, 'unsupported_media_type', 'The request body must be JSON (application/json).');
  }
  const tooLarge = () => new ApiError(413, 'payload_too_large', `The request body exceeds ${limit} bytes.`);
  if (Number(ctx.get('content-length') || 0) > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw invalidRequest('The request body is not valid UTF-8.');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalidRequest('The request body is not valid JSON.');
  }
}
