import { Link, useLoaderData, useRouteLoaderData, useSearchParams } from 'react-router-dom';
import { browser } from '../lib/browser.ts';
import { useApp } from '../lib/app-context.ts';
import { loginErrorMessage } from '../lib/format.ts';
import type { HomeData, RootData } from '../lib/route-data.ts';

export function HomePage() {
  const { client } = useApp();
  const { session, unavailable } = useRouteLoaderData('root') as RootData;
  const { providers, providersError } = useLoaderData() as HomeData;
  const [params] = useSearchParams();
  const errorCode = params.get('error');

  return (
    <section className="card narrow home">
      <title>Gatehouse</title>
      <h1>Gatehouse</h1>
      <p className="lead">
        Sign in once and manage your sessions; your tokens stay on the server, never in the browser.
      </p>

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
                    onClick={() => browser.assign(client.loginUrl(provider.name, '/dashboard'))}
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
