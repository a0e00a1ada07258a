import { CookieJar, isRedirect, MAX_STEPS, navigate, type Step } from './browser.ts';
import { alertText, parseForms, submitsItself } from './html-form.ts';

/**
 * Drives the dev IdP over real HTTP the way a browser would, for integration tests of relying parties:
 * redirects are followed by hand, the IdP's cookies are carried in a `CookieJar`, forms are posted.
 */

export class IdpNavigationError extends Error {
  override name = 'IdpNavigationError';
  constructor(
    message: string,
    /** Every request made, for diagnosing where the flow stopped. */
    readonly steps: Step[],
  ) {
    super(message);
  }
}

export interface SignInResult {
  /** Where the IdP finally redirected: the client's redirect_uri with `code`, `state` and `iss` (or `error`). */
  redirectUrl: string;
  /** Holds the IdP session; pass it to `signOutAtIdp` or to a second `signInAtIdp` (which then needs no form). */
  cookieJar: CookieJar;
  steps: Step[];
}

/**
 * Signs in at the IdP for an authorization URL a client redirected to, and returns the final redirect back
 * to the client. Throws `IdpNavigationError` when the IdP refuses the credentials (the message carries the
 * page's error, e.g. "Invalid username or password.") or the flow goes anywhere unexpected.
 */
export async function signInAtIdp(
  authorizationUrl: string,
  username: string,
  password: string,
  cookieJar: CookieJar = new CookieJar(),
): Promise<SignInResult> {
  const idpOrigin = new URL(authorizationUrl).origin;
  const steps: Step[] = [];
  let url = authorizationUrl;
  let form: [string, string][] | undefined;
  let submittedCredentials = false;

  while (steps.length < MAX_STEPS) {
    const { response, body } = await navigate(cookieJar, steps, url, form);
    form = undefined;
    const location = steps.at(-1)?.location;
    if (isRedirect(response.status) && location) {
      if (new URL(location).origin !== idpOrigin) return { redirectUrl: location, cookieJar, steps };
      url = location;
      continue;
    }
    const login = parseForms(body).find((candidate) =>
      candidate.fields.some(([name]) => name === 'username'),
    );
    if (response.status === 200 && login && !submittedCredentials) {
      submittedCredentials = true;
      url = new URL(login.action, url).href;
      form = [
        ...login.fields.filter(([name]) => name !== 'username'),
        ['username', username],
        ['password', password],
      ];
      continue;
    }
    const reason = alertText(body) ?? `unexpected ${response.status} response from ${url}`;
    throw new IdpNavigationError(`sign-in at the IdP failed: ${reason}`, steps);
  }
  throw new IdpNavigationError(`sign-in at the IdP did not finish within ${MAX_STEPS} requests`, steps);
}

export interface SignOutResult {
  /** The post_logout_redirect_uri the IdP sent the browser to, or `null` if it showed its own signed-out page. */
  redirectUrl: string | null;
  steps: Step[];
}

/**
 * Follows an RP-initiated logout (end-session URL) with the browser's IdP cookies. Pages that submit
 * themselves are submitted, as a browser would; a page that waits for a click makes this throw — for a
 * first-party client with a valid `id_token_hint` the dev IdP must not show one.
 */
export async function signOutAtIdp(endSessionUrl: string, cookieJar: CookieJar): Promise<SignOutResult> {
  const idpOrigin = new URL(endSessionUrl).origin;
  const steps: Step[] = [];
  let url = endSessionUrl;
  let form: [string, string][] | undefined;

  while (steps.length < MAX_STEPS) {
    const { response, body } = await navigate(cookieJar, steps, url, form);
    form = undefined;
    const location = steps.at(-1)?.location;
    if (isRedirect(response.status) && location) {
      if (new URL(location).origin !== idpOrigin) return { redirectUrl: location, steps };
      url = location;
      continue;
    }
    if (response.status !== 200) {
      throw new IdpNavigationError(`sign-out at the IdP failed: ${response.status} from ${url}`, steps);
    }
    const [first] = parseForms(body);
    if (!first) return { redirectUrl: null, steps };
    if (!submitsItself(body)) {
      throw new IdpNavigationError('sign-out at the IdP stopped at a page that waits for the user', steps);
    }
    url = new URL(first.action, url).href;
    form = first.method === 'post' ? first.fields : undefined;
  }
  throw new IdpNavigationError(`sign-out at the IdP did not finish within ${MAX_STEPS} requests`, steps);
}
