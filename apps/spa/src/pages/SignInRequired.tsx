import type { SignInRequired } from '@gatehouse/react';

/** What a protected page shows while the browser leaves for the login (or when a redirect loop was stopped). */
export function SignInRequiredNotice({ state }: { state: SignInRequired }) {
  if (state.signIn === 'redirecting') {
    return (
      <section className="card narrow">
        <p role="status">
          Taking you to sign in… If nothing happens, <a href={state.loginUrl}>continue to sign in</a>.
        </p>
      </section>
    );
  }
  return (
    <section className="card narrow">
      <h1>Sign-in did not stick</h1>
      <p role="alert">
        You signed in, but this browser did not keep the session. Cookies may be blocked for this site.
      </p>
      <p>
        <a className="button" href={state.loginUrl}>
          Sign in again
        </a>
      </p>
    </section>
  );
}
