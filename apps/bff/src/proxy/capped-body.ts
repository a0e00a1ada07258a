import type { IncomingMessage } from 'node:http';
import { Transform } from 'node:stream';
import { HttpError } from '../http/errors.ts';

export const payloadTooLarge = (): HttpError =>
  new HttpError(413, 'payload_too_large', 'The request body is too large.');

/**
 * The browser's request body as relayed upstream, cut off past `maxBytes`. A declared Content-Length over the
 * limit is refused before anything is sent (`http/body-limit.ts`); a chunked body declares none, so it is counted
 * as it streams: past the limit the upstream request is aborted (the upstream never receives a whole body) and
 * the browser gets 413. The rest of the browser's body is read and dropped, so the 413 can still be answered.
 */
export function cappedBody(source: IncomingMessage, maxBytes: number): Transform {
  let seen = 0;
  const capped = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen <= maxBytes) return done(null, chunk);
      source.unpipe(capped);
      source.resume();
      done(payloadTooLarge());
    },
  });
  source.on('error', (error) => capped.destroy(error));
  return source.pipe(capped);
}
