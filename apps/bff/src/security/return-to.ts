/**
 * Where the browser may be sent after sign-in: only a same-site relative path such as `/dashboard?tab=2`.
 * Anything else — absolute or scheme-relative URLs, backslashes (browsers read `/\evil` as `//evil`),
 * whitespace and control characters, over-long values — falls back to `/`.
 */
const MAX_LENGTH = 2048;
const PROBE_ORIGIN = 'http://return-to.invalid';

export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_LENGTH) return '/';
  if (!value.startsWith('/') || value.startsWith('//')) return '/';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what we refuse here
  if (/[\\\s\u0000-\u001f\u007f]/.test(value)) return '/';
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    return '/';
  }
  // An encoded `//` or `\` could be decoded again by the SPA's router; refuse those forms too.
  if (decoded.startsWith('//') || decoded.includes('\\')) return '/';
  let url: URL;
  try {
    url = new URL(value, PROBE_ORIGIN);
  } catch {
    return '/';
  }
  if (url.origin !== PROBE_ORIGIN) return '/';
  return `${url.pathname}${url.search}${url.hash}`;
}
