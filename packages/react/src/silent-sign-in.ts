/**
 * Silent sign-in (`prompt=none`) at most once per browser tab: the mark lives in `sessionStorage`, which each tab
 * has to itself and which survives the trip through the provider. Once made, the attempt is never repeated in
 * that tab — not after it answers `login_required`, not after a later sign-out (which would otherwise sign the
 * user straight back in while the provider's session lives on).
 */
const KEY = 'gatehouse:silent-sign-in';

/** What the BFF answers at the SPA's `/` when the provider could not sign the user in without a page. */
export const LOGIN_REQUIRED = 'login_required';

function attempted(): boolean {
  try {
    return sessionStorage.getItem(KEY) !== null;
  } catch {
    return true; // storage disabled: the attempt could not be remembered, so it is never made
  }
}

/** True the first time in this tab (and records the attempt); false ever after, or when it cannot be recorded. */
export function claimSilentAttempt(): boolean {
  if (attempted()) return false;
  try {
    sessionStorage.setItem(KEY, String(Date.now()));
    return true;
  } catch {
    return false;
  }
}

/**
 * The page is this tab's silent attempt coming back with `?error=login_required`: the parameter is removed from
 * the address (no history entry) so the app shows its signed-out page without an error. Answers whether it was.
 * An `error=login_required` the tab never asked for is left for the app to show.
 */
export function quietLoginRequired(): boolean {
  if (typeof window === 'undefined' || !attempted()) return false;
  const url = new URL(window.location.href);
  if (url.searchParams.get('error') !== LOGIN_REQUIRED) return false;
  url.searchParams.delete('error');
  window.history.replaceState(window.history.state, '', `${url.pathname}${url.search}${url.hash}`);
  return true;
}
