const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

export function formatDateTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** "in 7 hours", "5 minutes ago", "now". */
export function formatRelative(iso: string, now: number = Date.now()): string {
  const diff = new Date(iso).getTime() - now;
  for (const [unit, ms] of UNITS) {
    if (Math.abs(diff) >= ms) return relative.format(Math.round(diff / ms), unit);
  }
  return relative.format(0, 'minute');
}

const BROWSERS: [RegExp, string][] = [
  [/Edg\//, 'Edge'],
  [/OPR\//, 'Opera'],
  [/Firefox\//, 'Firefox'],
  [/Chrom(e|ium)\//, 'Chrome'],
  [/Safari\//, 'Safari'],
];
const SYSTEMS: [RegExp, string][] = [
  [/Windows/, 'Windows'],
  [/iPhone|iPad/, 'iOS'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/Android/, 'Android'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
];

function first(list: [RegExp, string][], text: string): string | undefined {
  return list.find(([pattern]) => pattern.test(text))?.[1];
}

/** "Firefox on Linux" from a User-Agent header; the (shortened) header when nothing is recognised. */
export function describeUserAgent(userAgent: string | null): string {
  if (!userAgent) return 'Unknown device';
  const browser = first(BROWSERS, userAgent);
  const system = first(SYSTEMS, userAgent);
  if (browser && system) return `${browser} on ${system}`;
  if (browser) return browser;
  return userAgent.length > 60 ? `${userAgent.slice(0, 57)}…` : userAgent;
}

/** Known `/?error=<code>` login outcomes; anything else gets the generic text. Never the raw code. */
const LOGIN_ERRORS: Record<string, string> = {
  // The provider's cancel page, or the provider's `allow` rules refusing the user: one answer, no details.
  access_denied: 'Access denied: this account is not allowed to sign in here, or sign-in was cancelled.',
  login_expired: 'Your sign-in took too long. Please try again.',
  login_failed: 'Sign-in failed. Please try again.',
  login_required: 'You are not signed in at the provider. Sign in to continue.',
};

export function loginErrorMessage(code: string): string {
  return Object.hasOwn(LOGIN_ERRORS, code)
    ? (LOGIN_ERRORS[code] as string)
    : 'Sign-in failed. Please try again.';
}

/** Why the page shows the signed-out home, when the session ended while it was open. */
export function endedMessage(reason: 'signed_out' | 'revoked' | 'expired' | 'provider_logout'): string {
  if (reason === 'expired') return 'Your session expired. Please sign in again.';
  if (reason === 'revoked') return 'Your session was ended from another device.';
  if (reason === 'provider_logout') return 'You were signed out by your identity provider.';
  return 'You are signed out.';
}
