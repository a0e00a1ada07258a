import { describe, expect, it } from 'vitest';
import {
  isWellFormedSessionId,
  isWellFormedTransactionId,
  newSessionId,
  newTransactionId,
  storeKeyFor,
} from '../../src/session/keys.ts';

describe('session and transaction ids', () => {
  it('are 43 base64url characters (256 bits) and well-formed', () => {
    for (const make of [newSessionId, newTransactionId]) {
      const id = make();
      expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(id, 'base64url')).toHaveLength(32);
      expect(isWellFormedSessionId(id)).toBe(true);
      expect(isWellFormedTransactionId(id)).toBe(true);
    }
  });

  it('do not repeat (1,000 of each) and use the whole alphabet', () => {
    const ids = Array.from({ length: 1_000 }, newSessionId);
    expect(new Set(ids).size).toBe(1_000);
    expect(new Set(Array.from({ length: 1_000 }, newTransactionId)).size).toBe(1_000);
    // 43,000 characters over a 64-letter alphabet: every letter shows up, each near 1/64 of the time.
    const counts = new Map<string, number>();
    for (const char of ids.join('')) counts.set(char, (counts.get(char) ?? 0) + 1);
    expect(counts.size).toBe(64);
    for (const count of counts.values()) expect(count).toBeGreaterThan(300); // mean ≈ 670
  });

  it('reject anything else as a session id', () => {
    const id = newSessionId();
    for (const bad of [
      id.slice(1),
      `${id}A`,
      `${id.slice(0, 42)}=`,
      `${id.slice(0, 42)}+`,
      '',
      ' '.repeat(43),
      null,
      42,
    ]) {
      expect(isWellFormedSessionId(bad)).toBe(false);
    }
  });
});

describe('storeKeyFor', () => {
  it('is the deterministic base64url SHA-256 of the id, unlike the id itself', () => {
    const id = newSessionId();
    const key = storeKeyFor(id);
    expect(storeKeyFor(id)).toBe(key);
    expect(key).not.toBe(id);
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(storeKeyFor(newSessionId())).not.toBe(key);
    // Known vector: SHA-256("abc").
    expect(storeKeyFor('abc')).toBe(
      Buffer.from('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', 'hex').toString(
        'base64url',
      ),
    );
  });
});
