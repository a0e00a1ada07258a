import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEncryptionKeys } from '../../src/config/encryption-keys.ts';
import { createTokenCipher, TokenCipherError } from '../../src/tokens/token-cipher.ts';

const keyA = { id: 'key-a', key: randomBytes(32) };
const keyB = { id: 'key_b', key: randomBytes(32) };

/** Replaces one character of a base64url segment with a different one. */
function flip(segment: string, index = 0): string {
  const chars = [...segment];
  const i = Math.min(index, chars.length - 1);
  chars[i] = chars[i] === 'A' ? 'B' : 'A';
  return chars.join('');
}

function withPart(sealed: string, part: number, change: (value: string) => string): string {
  const parts = sealed.split('.');
  parts[part] = change(parts[part]!);
  return parts.join('.');
}

function thrown(fn: () => unknown): TokenCipherError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TokenCipherError);
    return error as TokenCipherError;
  }
  throw new Error('expected a TokenCipherError');
}

describe('token cipher', () => {
  it('round-trips, in the documented v1 format, with a fresh IV each time', () => {
    const cipher = createTokenCipher([keyA]);
    const plaintext = JSON.stringify({ accessToken: 'at-123', refreshToken: 'rt-456' });
    const sealed = cipher.seal(plaintext);
    expect(sealed).toMatch(/^v1\.key-a\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(sealed).not.toContain('at-123');
    expect(cipher.open(sealed)).toBe(plaintext);
    expect(cipher.seal(plaintext)).not.toBe(sealed);
    expect(cipher.open(cipher.seal(''))).toBe('');
    expect(cipher.sealingKeyId).toBe('key-a');
  });

  it('rotates: a cipher with keys [B, A] opens what A sealed and seals new data with B', () => {
    const old = createTokenCipher([keyA]);
    const rotated = createTokenCipher([keyB, keyA]);
    const sealedByA = old.seal('secret', 'dev\nalice');
    expect(rotated.open(sealedByA, 'dev\nalice')).toBe('secret');
    const sealedByB = rotated.seal('newer', 'dev\nalice');
    expect(sealedByB.split('.')[1]).toBe('key_b');
    expect(rotated.open(sealedByB, 'dev\nalice')).toBe('newer');
    expect(thrown(() => old.open(sealedByB, 'dev\nalice')).code).toBe('unknown_key'); // A alone cannot
    expect(rotated.keyIds).toEqual(['key_b', 'key-a']);
  });

  it('refuses tampered ciphertext, tag, IV or key id', () => {
    const cipher = createTokenCipher([keyA, keyB]);
    const sealed = cipher.seal('a fairly long plaintext so the ciphertext has some length');
    expect(thrown(() => cipher.open(withPart(sealed, 3, (c) => flip(c, 5)))).code).toBe(
      'authentication_failed',
    );
    expect(thrown(() => cipher.open(withPart(sealed, 4, (t) => flip(t, 3)))).code).toBe(
      'authentication_failed',
    );
    expect(thrown(() => cipher.open(withPart(sealed, 2, (iv) => flip(iv, 0)))).code).toBe(
      'authentication_failed',
    );
    // Naming the other configured key: it does not open.
    expect(thrown(() => cipher.open(withPart(sealed, 1, () => 'key_b'))).code).toBe('authentication_failed');
    expect(thrown(() => cipher.open(withPart(sealed, 1, () => 'nope'))).code).toBe('unknown_key');
    // Truncation, a wrong version, junk.
    expect(thrown(() => cipher.open(withPart(sealed, 3, (c) => c.slice(0, -4)))).code).toBe(
      'authentication_failed',
    );
    expect(thrown(() => cipher.open(withPart(sealed, 4, (t) => t.slice(0, -2)))).code).toBe('malformed');
    expect(thrown(() => cipher.open(withPart(sealed, 0, () => 'v2'))).code).toBe('malformed');
    expect(thrown(() => cipher.open(`${sealed}.extra`)).code).toBe('malformed');
    expect(thrown(() => cipher.open('not sealed')).code).toBe('malformed');
    expect(thrown(() => cipher.open(withPart(sealed, 3, (c) => `${c}*`))).code).toBe('malformed');
  });

  it('binds the associated data: a wrong or missing aad does not open', () => {
    const cipher = createTokenCipher([keyA]);
    const sealed = cipher.seal('tokens', 'dev\nalice');
    expect(cipher.open(sealed, 'dev\nalice')).toBe('tokens');
    expect(thrown(() => cipher.open(sealed, 'dev\nbob')).code).toBe('authentication_failed');
    expect(thrown(() => cipher.open(sealed)).code).toBe('authentication_failed');
    const plain = cipher.seal('tokens');
    expect(thrown(() => cipher.open(plain, '')).code).toBe('authentication_failed');
  });

  it('requires keys of exactly 32 bytes and unique, well-formed ids', () => {
    expect(() => createTokenCipher([])).toThrow(/At least one/);
    expect(() => createTokenCipher([{ id: 'k', key: randomBytes(16) }])).toThrow(
      'Key 1 ("k"): the key is 16 bytes; AES-256-GCM needs exactly 32.',
    );
    expect(() => createTokenCipher([keyA, { id: 'k', key: randomBytes(33) }])).toThrow(
      /Key 2 \("k"\): .*33 bytes/,
    );
    expect(() => createTokenCipher([keyA, { ...keyB, id: 'key-a' }])).toThrow(
      'Key 2: the key id "key-a" is a duplicate.',
    );
    for (const id of ['', 'has.dot', 'has space', 'x'.repeat(33), 'colon:']) {
      expect(() => createTokenCipher([{ id, key: randomBytes(32) }]), id).toThrow(TokenCipherError);
    }
    expect(() => createTokenCipher([{ id: 'x'.repeat(32), key: randomBytes(32) }])).not.toThrow();
  });

  it("does not keep a reference to the caller's key buffer", () => {
    const key = randomBytes(32);
    const cipher = createTokenCipher([{ id: 'k', key }]);
    const sealed = cipher.seal('x');
    key.fill(0);
    expect(cipher.open(sealed)).toBe('x');
  });

  it('round-trips any string, with any aad (property)', () => {
    const cipher = createTokenCipher([keyA, keyB]);
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 500 }),
        fc.option(fc.string()),
        (plaintext, aad) => {
          const sealed = cipher.seal(plaintext, aad ?? undefined);
          expect(cipher.open(sealed, aad ?? undefined)).toBe(plaintext);
        },
      ),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (plaintext) => {
        // Lone surrogates are not UTF-8: they come back as U+FFFD, exactly as Buffer.from would encode them.
        expect(cipher.open(cipher.seal(plaintext))).toBe(Buffer.from(plaintext, 'utf8').toString('utf8'));
      }),
      { numRuns: 200 },
    );
  });
});

describe('parseEncryptionKeys', () => {
  const b64 = (bytes: Buffer): string => bytes.toString('base64');

  it('parses id:base64key pairs; the first seals, all open', () => {
    const keys = parseEncryptionKeys(` new:${b64(keyB.key)} , old:${keyA.key.toString('base64url')}`);
    expect(keys.map((k) => k.id)).toEqual(['new', 'old']);
    expect(keys[0]!.key.equals(keyB.key)).toBe(true);
    expect(keys[1]!.key.equals(keyA.key)).toBe(true);
    const cipher = createTokenCipher(keys);
    expect(cipher.sealingKeyId).toBe('new');
    const sealedByOld = createTokenCipher([{ id: 'old', key: keyA.key }]).seal('x');
    expect(cipher.open(sealedByOld)).toBe('x');
  });

  it('accepts padding-free and URL-safe base64', () => {
    const key = Buffer.from('fb'.repeat(32), 'hex'); // has "+" and "/" in standard base64
    expect(b64(key)).toMatch(/[+/]/);
    for (const encoded of [b64(key), b64(key).replace(/=+$/, ''), key.toString('base64url')]) {
      expect(parseEncryptionKeys(`k:${encoded}`)[0]!.key.equals(key)).toBe(true);
    }
  });

  it('says precisely which entry is malformed, without echoing key material', () => {
    const good = `ok:${b64(randomBytes(32))}`;
    const short = b64(randomBytes(16));
    const cases: Array<[string, string]> = [
      ['', 'no keys: expected comma-separated id:base64key entries.'],
      [`${good},`, 'entry 2 is empty.'],
      [`${good},,${good}`, 'entry 2 is empty.'],
      [`${good},justbase64`, 'entry 2 is not of the form id:base64key (no ":").'],
      [
        `bad id:${b64(randomBytes(32))}`,
        'entry 1: the key id must be 1 to 32 characters of A-Z, a-z, 0-9, "_" or "-".',
      ],
      [
        `:${b64(randomBytes(32))}`,
        'entry 1: the key id must be 1 to 32 characters of A-Z, a-z, 0-9, "_" or "-".',
      ],
      [`${good},ok:${b64(randomBytes(32))}`, 'entry 2: the key id "ok" repeats entry 1.'],
      [`k:`, 'entry 1 ("k"): the key is missing.'],
      [`k:not*base64!`, 'entry 1 ("k"): the key is not valid base64.'],
      [
        `${good},k:${short}`,
        'entry 2 ("k"): the key is 16 bytes; AES-256-GCM needs exactly 32 (create one with `openssl rand -base64 32`).',
      ],
    ];
    for (const [value, message] of cases) {
      const error = thrown(() => parseEncryptionKeys(value));
      expect(error.message, value).toBe(message);
      expect(error.message).not.toContain(short);
    }
  });
});
