import type { AppDeps } from '../deps.ts';
import { csrfRejected, HttpError, unauthenticated } from '../http/errors.ts';
import { isWellFormedSessionId, storeKeyFor } from '../session/keys.ts';
import { resolveBrowser } from '../sign-in/browser-accounts.ts';
import type { StoredSession } from '../store/store.ts';
import type { StreamRegistry } from './stream-registry.ts';

export type Admission =
  | {
      ok: true;
      key: string;
      session: StoredSession;
      /** A browser with several accounts: its record's store key, on which switches are announced. */
      accountsKey: string | null;
    }
  | { ok: false; error: HttpError };

/** One cookie's value from a `Cookie` header (session ids are base64url: nothing to decode). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/**
 * Whether `GET /api/session/events` may open: `EventSource` cannot send the CSRF header, so the Origin must be
 * an allowed SPA origin (403 `csrf`); a live session (401); room under the bounds (429 `too_many_streams`), on a
 * replica that is not shutting down (503 `too_many_streams`).
 * Reading the session here does not slide its idle expiry.
 */
export async function admitEventStream(
  { config, store }: Pick<AppDeps, 'config' | 'store'>,
  registry: StreamRegistry,
  request: { origin: string | undefined; cookie: string | undefined },
): Promise<Admission> {
  if (!request.origin || !config.spaOrigins.includes(request.origin)) {
    return { ok: false, error: csrfRejected('The event stream opens only from an allowed SPA origin.') };
  }
  const id = cookieValue(request.cookie, config.session.cookieName);
  if (!isWellFormedSessionId(id)) return { ok: false, error: unauthenticated() };
  const browser = await resolveBrowser(store, storeKeyFor(id));
  if (!browser) return { ok: false, error: unauthenticated() };
  const { key, session } = browser;
  if (registry.shuttingDown) {
    // 503 (nginx tries the next replica) rather than a stream that would end as soon as it opened.
    return {
      ok: false,
      error: new HttpError(503, 'too_many_streams', 'This server is shutting down. Reconnect.', {
        'Retry-After': '1',
      }),
    };
  }
  const refusal = registry.refusal(key);
  if (refusal)
    return { ok: false, error: new HttpError(429, 'too_many_streams', refusal, { 'Retry-After': '30' }) };
  return { ok: true, key, session, accountsKey: browser.accounts?.key ?? null };
}
