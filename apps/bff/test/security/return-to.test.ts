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
    // dot segments that collapse into `//host` once the URL is normalised (found by this suite; fixed)
    '/.//evil.example',
    '/././/evil.example',
    '/a/..//evil.example',
    '/..//evil.example',
    '/%2e//evil.example',
    '/%2E%2E//evil.example',
    '/x/%2e%2e/%2e%2e//evil.example/',
    '/%252e//evil.example',
    // encoded and double-encoded slashes and backslashes
    '/%2f%2fevil.example',
    '/%252f%252fevil.example',
    '/%255c%255cevil.example',
    '/%5c%5cevil.example',
    // control characters and whitespace, raw and encoded (browsers drop tab/CR/LF inside URLs)
    '/%09/evil.example',
    '/%0a/evil.example',
    '/%0d%0a/evil.example',
    '/\r/evil.example',
    '/\u2028/x',
    '/\u00a0/x',
    // absolute and scheme-relative forms in every disguise
    'http:evil.example',
    'https:/evil.example',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    '\t//evil.example',
    '//evil.example/%2F..',
    '/\\/evil.example',
    // lookalike hosts
    'http://localhost:5173.evil.example/dashboard',
    'https://app.example.com.evil.example/',
    '//app.example.com@evil.example',
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

  // Built from the pieces open-redirect payloads are made of, so the search hits the interesting cases often.
  const dangerous = fc
    .array(
      fc.constantFrom(
        '/',
        '/',
        '.',
        '..',
        '\\',
        '%2e',
        '%2E',
        '%2f',
        '%2F',
        '%5c',
        '%25',
        '%09',
        '%0a',
        '\t',
        ' ',
        'evil.example',
        'http:',
        '@',
        ':',
        '?',
        '#',
        'a',
      ),
      { maxLength: 8 },
    )
    .map((parts) => parts.join(''));
  const decodings = (value: string): string[] => {
    const all = [value];
    for (let i = 0; i < 3; i += 1) {
      try {
        const next = decodeURIComponent(all.at(-1)!);
        if (next === all.at(-1)) break;
        all.push(next);
      } catch {
        break;
      }
    }
    return all;
  };

  it('stays on the SPA origin however often the result is decoded and however a browser parses it (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          dangerous,
          dangerous.map((s) => `/${s}`),
        ),
        (input) => {
          const result = safeReturnTo(input);
          expect(result.startsWith('/')).toBe(true);
          expect(result.startsWith('//')).toBe(false);
          for (const form of decodings(result)) {
            // Browsers strip tabs and newlines from URLs before parsing them.
            const browserForm = form.replace(/[\t\n\r]/g, '');
            expect(new URL(form, PROBE).origin).toBe(PROBE);
            expect(new URL(browserForm, PROBE).origin).toBe(PROBE);
          }
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('is idempotent (property)', () => {
    fc.assert(
      fc.property(fc.oneof(dangerous, fc.string(), fc.webUrl()), (input) => {
        expect(safeReturnTo(safeReturnTo(input))).toBe(safeReturnTo(input));
      }),
      { numRuns: 5000 },
    );
  });

  it('keeps every plain same-site path with its query and fragment (property)', () => {
    const segment = fc.stringMatching(/^[a-z0-9_-]{1,8}$/);
    const path = fc
      .tuple(
        fc.array(segment, { minLength: 0, maxLength: 4 }),
        fc.option(fc.stringMatching(/^[a-z0-9]{1,6}=[a-z0-9]{0,6}$/), { nil: undefined }),
        fc.option(fc.stringMatching(/^[a-z0-9]{1,6}$/), { nil: undefined }),
      )
      .map(
        ([segments, query, hash]) =>
          `/${segments.join('/')}${query ? `?${query}` : ''}${hash ? `#${hash}` : ''}`,
      );
    fc.assert(
      fc.property(path, (value) => {
        expect(safeReturnTo(value)).toBe(value);
      }),
      { numRuns: 2000 },
    );
  });
});
