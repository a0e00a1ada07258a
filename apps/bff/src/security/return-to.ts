/**
 * Where the browser may be sent after sign-in: only a same-site relative path such as `/dashboard?tab=2`.
 * Anything else — absolute or scheme-relative URLs, backslashes (browsers read `/\evil` as `//evil`),
 * whitespace and control characters, over-long values — falls back to `/`.
 *
 * Every check runs on the raw value, on each of its percent-decodings and on its normalised form: dot segments
 * collapse during normalisation, so `/.//evil.example` or `/%2e//evil.example` would otherwise come out as
 * `//evil.example`, which the browser (or the SPA's router) reads as another host.
 */
const MAX_LENGTH = 2048;
const PROBE_ORIGIN = 'http://return-to.invalid';
/** How many rounds of percent-decoding a value must survive (the SPA's router decodes once, a careless link twice). */
const DECODE_ROUNDS = 3;

// eslint-disable-next-line no-control-regex -- control characters are exactly what we refuse here
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * True when `value`, and every decoding of it, is a path that cannot be read as another host: no leading `//`,
 * no backslash, no control character (browsers drop tabs and newlines, so `/\t/evil` becomes `//evil`).
 */
function staysOnOrigin(value: string): boolean {
  let current = value;
  for (let round = 0; round <= DECODE_ROUNDS; round += 1) {
    if (!current.startsWith('/') || current.startsWith('//')) return false;
    if (current.includes('\\')) return false;
    if (round > 0 && CONTROL.test(current)) return false;
    if (!normalisesToPath(current)) return false;
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return round > 0; // the raw value must decode; a later round may hold a literal `%`
    }
    if (next === current) return true;
    current = next;
  }
  return true;
}

/** Dot segments (`/./`, `/%2e/`, `/a/..`) collapse when a URL is normalised and can leave `//evil.example`. */
function normalisesToPath(value: string): boolean {
  try {
    const url = new URL(value, PROBE_ORIGIN);
    return url.origin === PROBE_ORIGIN && !url.pathname.startsWith('//');
  } catch {
    return false;
  }
}

export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_LENGTH) return '/';
  if (!value.startsWith('/') || value.startsWith('//')) return '/';
  if (/[\\\s]/.test(value) || CONTROL.test(value)) return '/';
  // An encoded `//` or `\` could be decoded again by the SPA's router; refuse those forms too.
  if (!staysOnOrigin(value)) return '/';
  let url: URL;
  try {
    url = new URL(value, PROBE_ORIGIN);
  } catch {
    return '/';
  }
  if (url.origin !== PROBE_ORIGIN) return '/';
  const result = `${url.pathname}${url.search}${url.hash}`;
  // Normalisation may have changed the value (dot segments removed): the result must pass the same checks.
  return staysOnOrigin(result) ? result : '/';
}
