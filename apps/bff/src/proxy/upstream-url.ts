export interface UpstreamBase {
  origin: string;
  /** The base URL's path without trailing slashes. */
  path: string;
}

/** Parsed once per API rather than on every request. */
export function upstreamBase(baseUrl: string): UpstreamBase {
  const base = new URL(baseUrl);
  return { origin: base.origin, path: base.pathname.replace(/\/+$/, '') };
}

/**
 * Maps `/api/proxy/<api><rest>?<query>` onto `<baseUrl><rest>?<query>`, refusing anything that could leave
 * `baseUrl`: dot segments (plain or percent-encoded), encoded slashes or backslashes, backslashes, control
 * characters, and anything the URL parser would resolve elsewhere. Answers null for a refused path.
 */
export function upstreamUrl(base: UpstreamBase, rest: string, query: string): URL | null {
  if (rest !== '' && !rest.startsWith('/')) return null;
  if (rest.startsWith('//')) return null;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  if (/[\\\u0000-\u001f\u007f]|%(2f|5c|00)/i.test(rest)) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(rest);
  } catch {
    return null;
  }
  const segments = [...rest.split('/'), ...decoded.split('/')];
  if (segments.some((segment) => segment === '.' || segment === '..')) return null;
  if (/%2e/i.test(rest)) return null; // encoded dots: refused rather than guessed at

  const basePath = base.path;
  const target = new URL(`${basePath}${rest}`, base.origin);
  if (target.origin !== base.origin) return null;
  if (target.pathname !== basePath && !target.pathname.startsWith(`${basePath}/`)) return null;
  if (query) target.search = query;
  return target;
}
