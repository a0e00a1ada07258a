import type { StoredSession } from './store.ts';
import { decodeBase64url } from '../security/base64url.ts';

/**
 * How the Redis store writes a session into its hash: `d`, the session's JSON without its tokens and times;
 * `t`, its sealed tokens, packed (below); the times go in the hash's `m` field, written by the scripts.
 *
 * Packing: a sealed value is dot-separated segments, most of it base64url (see `token-cipher.ts`). Each segment
 * that is canonical base64url is kept as the bytes it encodes, a quarter smaller than its text; any other
 * segment as its UTF-8 text. Layout: byte 1 (the format), then per segment a kind byte (0 text, 1 bytes), a
 * uint32 big-endian length and the bytes. The sealed tokens are most of a session, so this is what brings a
 * session's footprint in Redis under the size of its JSON, and the JSON parsed per request down to a few hundred
 * bytes.
 */

type SessionData = Omit<StoredSession, 'lastSeenAt' | 'idleExpiresAt' | 'absoluteExpiresAt' | 'tokens'>;

const PACKED = 1;
const TEXT = 0;
const BYTES = 1;

export function packTokens(sealed: string): Buffer {
  const parts: Buffer[] = [Buffer.of(PACKED)];
  for (const segment of sealed.split('.')) {
    const bytes = decodeBase64url(segment);
    const body = bytes ?? Buffer.from(segment, 'utf8');
    const head = Buffer.allocUnsafe(5);
    head[0] = bytes ? BYTES : TEXT;
    head.writeUInt32BE(body.length, 1);
    parts.push(head, body);
  }
  return Buffer.concat(parts);
}

/** The sealed tokens `packTokens` packed, or null when `packed` is not that format. */
export function unpackTokens(packed: Buffer): string | null {
  if (packed[0] !== PACKED) return null;
  const segments: string[] = [];
  let at = 1;
  while (at < packed.length) {
    if (at + 5 > packed.length) return null;
    const kind = packed[at];
    const length = packed.readUInt32BE(at + 1);
    at += 5;
    if (at + length > packed.length || (kind !== TEXT && kind !== BYTES)) return null;
    const body = packed.subarray(at, at + length);
    at += length;
    segments.push(kind === BYTES ? body.toString('base64url') : body.toString('utf8'));
  }
  return segments.join('.');
}

export interface EncodedSession {
  data: string;
  tokens: Buffer;
  idle: number;
  last: number;
  abs: number;
}

export function encodeSession(session: StoredSession): EncodedSession {
  const { lastSeenAt, idleExpiresAt, absoluteExpiresAt, tokens, ...rest } = session;
  return {
    data: JSON.stringify(rest satisfies SessionData),
    tokens: packTokens(tokens),
    idle: idleExpiresAt,
    last: lastSeenAt,
    abs: absoluteExpiresAt,
  };
}

/**
 * A session from what the scripts answer: `data`, `tokens`, `idle`, `last`, `abs`. An empty `tokens` marks a
 * hash written before tokens were packed, whose JSON `data` still holds them. Null when unreadable.
 */
export function decodeSession(
  data: unknown,
  tokens: unknown,
  idle: unknown,
  last: unknown,
  abs: unknown,
): StoredSession | null {
  if (!Buffer.isBuffer(data) || !Buffer.isBuffer(tokens)) return null;
  try {
    const rest = JSON.parse(data.toString('utf8')) as SessionData & { tokens?: string };
    const sealed = tokens.length === 0 ? rest.tokens : unpackTokens(tokens);
    if (typeof sealed !== 'string') return null;
    return {
      ...rest,
      tokens: sealed,
      lastSeenAt: Number(String(last)),
      idleExpiresAt: Number(String(idle)),
      absoluteExpiresAt: Number(String(abs)),
    };
  } catch {
    return null;
  }
}
