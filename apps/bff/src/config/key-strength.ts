/**
 * Refuses token-encryption keys that are obviously not random — the mistakes an operator actually makes:
 * an all-zero or repeated-byte key, a short pattern repeated (`0123456789abcdef` twice), or a passphrase
 * encoded as base64 instead of 32 random bytes. A key from `openssl rand -base64 32` fails none of these
 * checks except with negligible probability (all 32 bytes printable: about 1 in 10^13).
 */
export function weakKeyReason(key: Uint8Array): string | null {
  const bytes = Array.from(key);
  if (new Set(bytes).size === 1) return 'it is one byte repeated';
  for (let period = 1; period <= bytes.length / 2; period += 1) {
    if (bytes.every((byte, i) => byte === bytes[i % period])) {
      return `it repeats a ${period}-byte pattern`;
    }
  }
  if (new Set(bytes).size < bytes.length / 2) return 'it has too few distinct bytes to be random';
  if (bytes.every((byte) => byte >= 0x20 && byte <= 0x7e)) {
    return 'it is printable text, not random bytes (use `openssl rand -base64 32`)';
  }
  return null;
}
