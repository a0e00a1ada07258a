/**
 * A minimal cookie jar for driving the IdP over HTTP in tests: it keeps cookies per host, honours `Path`,
 * `Max-Age` and `Expires` (which is how the IdP deletes cookies), and ignores everything a browser would
 * enforce beyond that. Not for talking to arbitrary servers.
 */

interface StoredCookie {
  value: string;
  path: string;
  expiresAt: number;
}

export class CookieJar {
  readonly #hosts = new Map<string, Map<string, StoredCookie>>();

  /** Records the `Set-Cookie` headers of a response to `url`. */
  store(url: string | URL, response: Response): void {
    const { host, pathname } = new URL(url);
    let cookies = this.#hosts.get(host);
    if (!cookies) this.#hosts.set(host, (cookies = new Map()));
    for (const header of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const cookie: StoredCookie = {
        value: pair.slice(eq + 1).trim(),
        path: defaultPath(pathname),
        expiresAt: Infinity,
      };
      for (const attribute of attributes) {
        const [key = '', ...rest] = attribute.split('=');
        const value = rest.join('=').trim();
        switch (key.trim().toLowerCase()) {
          case 'path':
            if (value.startsWith('/')) cookie.path = value;
            break;
          case 'max-age':
            cookie.expiresAt = Date.now() + Number(value) * 1000;
            break;
          case 'expires':
            // Max-Age wins over Expires when both are present.
            if (!/max-age/i.test(header)) cookie.expiresAt = Date.parse(value);
            break;
        }
      }
      const key = `${cookie.path}\n${name}`;
      if (cookie.expiresAt <= Date.now()) cookies.delete(key);
      else cookies.set(key, cookie);
    }
  }

  /** The `Cookie` header a browser would send to `url`, or `undefined` when there is nothing to send. */
  header(url: string | URL): string | undefined {
    const { host, pathname } = new URL(url);
    const now = Date.now();
    const pairs: string[] = [];
    for (const [key, cookie] of this.#hosts.get(host) ?? []) {
      if (cookie.expiresAt <= now || !pathMatches(pathname, cookie.path)) continue;
      pairs.push(`${key.slice(key.indexOf('\n') + 1)}=${cookie.value}`);
    }
    return pairs.length ? pairs.join('; ') : undefined;
  }

  /** The names of the cookies held for a host (`localhost:4000`), for assertions. */
  names(host: string): string[] {
    return [...(this.#hosts.get(host)?.keys() ?? [])].map((key) => key.slice(key.indexOf('\n') + 1));
  }
}

function defaultPath(pathname: string): string {
  const slash = pathname.lastIndexOf('/');
  return slash <= 0 ? '/' : pathname.slice(0, slash);
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}
