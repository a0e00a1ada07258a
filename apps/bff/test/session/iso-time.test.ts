import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoTime } from '../../src/session/iso-time.ts';

describe('isoTime', () => {
  it('formats exactly as Date#toISOString', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253_402_300_799_999 }), (ms) => {
        expect(isoTime(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 20_000 },
    );
    for (const ms of [0, 951_782_400_000, 951_868_800_000, 4_107_542_399_999, 253_402_300_799_999]) {
      expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    }
  });

  it('leaves what it does not cover to Date, errors included', () => {
    for (const ms of [-1, 1.5, 253_402_300_800_000, -62_198_755_200_000]) {
      expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    }
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
  });
});
