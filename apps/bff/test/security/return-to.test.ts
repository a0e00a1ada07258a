import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeReturnTo } from '../../src/security/return-to.ts';

const PROBE = 'http://spa.example';

describe('safeReturnTo', () => {
  it.each(['/', '/dashboard', '/dashboard?tab=2', '/a/b#c', '/sessions?x=%20y'])('keeps %j', (value) => {
    expect(safeReturnTo(value)).toBe(value);
  });

  it.each([
    undefined,
    ['/dashboard'],
    '',
    'dashboard',
    'https://evil.example',
    'HTTPS://evil.example',
    '//evil.example',
    '///evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    '/%2Fevil.example',
    '/%2F%2Fevil.example',
    '/%5Cevil.example',
    '/%252F%252Fevil.example/..',
    '%2F%2Fevil.example',
    'javascript:alert(1)',
    ' /x',
    '/x y',
    '/x\ty',
    '/\t/evil.example',
    '/\n/evil.example',
    '/x\u0000',
    '/x\u007f',
    '/%E0%A4%A',
    `/${'a'.repeat(3000)}`,
    'http://spa.example@evil.example',
  ])('falls back to / for %j', (value) => {
    expect(safeReturnTo(value)).toBe('/');
  });

  it('never lets the result leave the SPA origin, whatever the input (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.webUrl(),
          fc.string().map((s) => `/${s}`),
          fc.string().map((s) => `//${s}`),
        ),
        (input) => {
          const result = safeReturnTo(input);
          expect(result.startsWith('/')).toBe(true);
          expect(new URL(`${PROBE}${result}`).origin).toBe(PROBE);
          expect(new URL(result, PROBE).origin).toBe(PROBE);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
