import type { IncomingHttpHeaders } from 'node:http';

/** RFC 9110 §7.6.1 hop-by-hop headers, plus what belongs to the browser↔BFF hop only. */
const NOT_FORWARDED = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  // The browser's credentials for the BFF are not the upstream's business; the token replaces them.
  'cookie',
  'authorization',
  // Proofs of possession are the BFF's to make, never the browser's to pass on.
  'dpop',
  'x-csrf',
  'origin',
  'referer',
  'sec-fetch-site',
  'sec-fetch-mode',
  'sec-fetch-dest',
  'sec-fetch-user',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
]);

/** What the upstream may not set on the BFF's origin, or that the BFF decides itself. */
const NOT_RETURNED = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'set-cookie',
  'cache-control',
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-allow-headers',
  'access-control-allow-methods',
  'access-control-expose-headers',
  'access-control-max-age',
]);

/** Also drops headers the `Connection` header names as hop-by-hop. */
function connectionListed(headers: Record<string, unknown>): Set<string> {
  const value = headers.connection;
  const listed = Array.isArray(value) ? value.join(',') : typeof value === 'string' ? value : '';
  return new Set(
    listed
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  );
}

export function requestHeadersForUpstream(incoming: IncomingHttpHeaders): Record<string, string | string[]> {
  const listed = connectionListed(incoming);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined || NOT_FORWARDED.has(name) || listed.has(name)) continue;
    out[name] = value;
  }
  return out;
}

export function responseHeadersForBrowser(
  upstream: Record<string, string | string[] | undefined>,
): Array<[string, string | string[]]> {
  const listed = connectionListed(upstream);
  return Object.entries(upstream).filter(
    (entry): entry is [string, string | string[]] =>
      entry[1] !== undefined && !NOT_RETURNED.has(entry[0]) && !listed.has(entry[0]),
  );
}
