/**
 * Strict base64url decoding: only the canonical encoding of some byte string is accepted. The round trip is the
 * whole check: Buffer skips characters outside the alphabet, and its encoding never contains one.
 */
export function decodeBase64url(value: string): Buffer | null {
  const bytes = Buffer.from(value, 'base64url');
  return bytes.toString('base64url') === value ? bytes : null;
}
