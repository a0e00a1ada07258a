import { useSession } from '@gatehouse/react';
import { Link, useLoaderData, useSearchParams } from 'react-router-dom';
import { endedMessage, loginErrorMessage } from '../lib/format.ts';
import type { HomeData } from '../lib/route-data.ts';
import { Loading } from './Layout.tsx';

export function HomePage() {
  const { status, session, error, ended, signIn } = useSession();
  const unavailable = error?.message ?? null;
  const { providers, providersError } = useLoaderData() as HomeData;
  const [params] = useSearchParams();
  const errorCode = params.get('error');
  // Only while a silent sign-in leaves the page: no sign-in buttons flash up on the way.
  if (status === 'loading') return <Loading />;

  return (
    <section className="card narrow home">
      <title>Gatehouse</title>
      <h1>Gatehouse</h1>
      <p className="lead">
        Sign in once and manage your sessions; your tokens stay on the server, never in the browser.
      </p>

      {!session && ended && ended !== 'signed_out' && (
        <p className="notice" role="status">
          {endedMessage(ended)}
        </p>
      )}

      {errorCode !== null && (
        <p className="notice error" role="alert">
          {loginErrorMessage(errorCode)}
        </p>
      )}

      {session ? (
        <div className="signed-in">
          <p>
            Signed in as <strong>{session.user.name ?? session.user.email ?? session.user.sub}</strong>.
          </p>
          <p className="actions">
            <Link className="button" to="/dashboard">
              Go to your Dashboard
            </Link>
            <Link to="/sessions">Manage sessions</Link>
          </p>
        </div>
      ) : (
        <div className="sign-in">
          {(unavailable ?? providersError) ? (
            <p className="notice error" role="alert">
              Sign-in is unavailable right now. {unavailable ?? providersError}
            </p>
          ) : providers.length === 0 ? (
            <p className="notice">No sign-in providers are configured.</p>
          ) : (
            <ul className="providers" aria-label="Sign-in options">
              {providers.map((provider, index) => (
                <li key={provider.name}>
                  <button
                    type="button"
                    className="primary"
                    disabled={!provider.available}
                    aria-describedby={provider.available ? undefined : `provider-unavailable-${index}`}
                    onClick={() => signIn(provider.name, { returnTo: '/dashboard' })}
                  >
                    {`Sign in with ${provider.label}`}
                  </button>
                  {!provider.available && (
                    <span className="hint" id={`provider-unavailable-${index}`}>
                      Temporarily unavailable
                    </span>
                  )}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
