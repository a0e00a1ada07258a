/** Test helpers for relying parties of the dev IdP (`@gatehouse/idp/testing`). */
export { CookieJar } from './cookie-jar.ts';
export type { Step } from './browser.ts';
export {
  IdpNavigationError,
  signInAtIdp,
  signOutAtIdp,
  type SignInResult,
  type SignOutResult,
} from './login.ts';
