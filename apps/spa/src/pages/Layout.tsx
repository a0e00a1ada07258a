import { Link, NavLink, Outlet, useNavigation, useRouteLoaderData } from 'react-router-dom';
import type { RootData } from '../lib/route-data.ts';

export function Layout() {
  const root = useRouteLoaderData('root') as RootData | undefined;
  const navigation = useNavigation();
  const signedIn = Boolean(root?.session);
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <Link to="/" className="brand">
          <img className="brand-mark" src="/favicon.svg" alt="" width={28} height={28} />
          Gatehouse
        </Link>
        {signedIn && (
          <nav aria-label="Main">
            <ul>
              <li>
                <NavLink to="/dashboard">Dashboard</NavLink>
              </li>
              <li>
                <NavLink to="/sessions">Sessions</NavLink>
              </li>
            </ul>
          </nav>
        )}
      </header>
      <main id="main" tabIndex={-1} aria-busy={navigation.state !== 'idle'}>
        <Outlet />
      </main>
      <footer className="site-footer">Your tokens stay on the server; this page only holds a cookie.</footer>
    </div>
  );
}

export function Loading() {
  return (
    <p className="loading" role="status">
      Loading…
    </p>
  );
}
