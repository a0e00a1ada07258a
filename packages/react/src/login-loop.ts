/**
 * Guards against a redirect loop (app → login → app → login …) when the browser does not keep the session
 * cookie: after a few automatic trips to the login within a short time, the guard stops and explains instead.
 */
const KEY = 'gatehouse:login-redirects';
const WINDOW_MS = 30_000;
const MAX_TRIPS = 3;

function read(): number[] {
  try {
    const value: unknown = JSON.parse(sessionStorage.getItem(KEY) ?? '[]');
    return Array.isArray(value) ? value.filter((t): t is number => typeof t === 'number') : [];
  } catch {
    return [];
  }
}

/** Records an automatic trip to the login; `false` when there have been too many lately. */
export function mayRedirectToLogin(now: number = Date.now()): boolean {
  const recent = read().filter((t) => now - t < WINDOW_MS);
  if (recent.length >= MAX_TRIPS) return false;
  try {
    sessionStorage.setItem(KEY, JSON.stringify([...recent, now]));
  } catch {
    // storage disabled: no loop detection, but no failure either
  }
  return true;
}

/** A session arrived: the trips were not a loop. */
export function loginSucceeded(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // storage disabled
  }
}
