import { CookieJar } from './cookie-jar.ts';

/** One request of a manually driven navigation, recorded so tests can assert on the whole chain. */
export interface Step {
  method: string;
  url: string;
  status: number;
  location: string | undefined;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
export const MAX_STEPS = 20;

export function isRedirect(status: number): boolean {
  return REDIRECTS.has(status);
}

/**
 * Sends one request like a browser would (cookies from the jar, no automatic redirects) and records the
 * response's cookies. The body is read here so that callers never leave a connection hanging.
 */
export async function navigate(
  jar: CookieJar,
  steps: Step[],
  url: string,
  form?: [string, string][],
): Promise<{ response: Response; body: string }> {
  const headers = new Headers({ accept: 'text/html' });
  const cookie = jar.header(url);
  if (cookie) headers.set('cookie', cookie);
  const init: RequestInit = { method: form ? 'POST' : 'GET', headers, redirect: 'manual' };
  if (form) {
    headers.set('content-type', 'application/x-www-form-urlencoded');
    init.body = new URLSearchParams(form).toString();
  }
  const response = await fetch(url, init);
  jar.store(url, response);
  const body = await response.text();
  const location = response.headers.get('location') ?? undefined;
  steps.push({
    method: init.method ?? 'GET',
    url,
    status: response.status,
    location: location === undefined ? undefined : new URL(location, url).href,
  });
  return { response, body };
}

export { CookieJar };
