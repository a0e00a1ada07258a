import { isRouteErrorResponse, useRouteError } from 'react-router-dom';
import { GatehouseError, isUnauthenticated } from '@gatehouse/react';

/** The one error boundary: a polite message, never a stack trace. Links are plain anchors (a fresh start). */
export function ErrorPage() {
  const error = useRouteError();
  let title = 'Something went wrong';
  let message = 'An unexpected error occurred. Please try again.';
  if (isUnauthenticated(error)) {
    title = 'You are signed out';
    message = 'Your session has ended. Please sign in again.';
  } else if (isRouteErrorResponse(error) && error.status === 404) {
    title = 'Page not found';
    message = 'There is no page at this address.';
  } else if (error instanceof GatehouseError) {
    title = 'Gatehouse is unavailable';
    message = error.message;
  } else if (error) {
    console.error(error);
  }
  return (
    <div className="shell">
      <header className="site-header">
        <a href="/" className="brand">
          <img className="brand-mark" src="/favicon.svg" alt="" width={28} height={28} />
          Gatehouse
        </a>
      </header>
      <main id="main">
        <section className="card narrow">
          <title>{`${title} · Gatehouse`}</title>
          <h1>{title}</h1>
          <p role="alert">{message}</p>
          <p className="actions">
            <button type="button" onClick={() => window.location.reload()}>
              Try again
            </button>
            <a href="/">Go to the home page</a>
          </p>
        </section>
      </main>
    </div>
  );
}
