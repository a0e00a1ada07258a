import { useSession } from '@gatehouse/react';
import { useEffect, useRef } from 'react';
import {
  Link,
  NavLink,
  Outlet,
  useLocation,
  useNavigate,
  useNavigation,
  useRevalidator,
} from 'react-router-dom';
import { ExpiryDialog } from './ExpiryDialog.tsx';

/** Pages that make sense only with a session: when it ends, the browser shows the signed-out home instead. */
const PROTECTED = /^\/(dashboard|sessions)(\/|$)/;

/**
 * Follows the live session: when it ends (here, in another tab, from another device, by expiry) a protected
 * page gives way to the signed-out home; when one starts in another tab, the pages read it again.
 */
function useFollowSession(): void {
  const { status } = useSession();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const revalidator = useRevalidator();
  const previous = useRef(status);
  useEffect(() => {
    const before = previous.current;
    previous.current = status;
    if (before === status || before === 'loading') return;
    if (status === 'unauthenticated' && PROTECTED.test(pathname)) void navigate('/', { replace: true });
    else void revalidator.revalidate();
  }, [status, pathname, navigate, revalidator]);
}

export function Layout() {
  const { status } = useSession();
  const navigation = useNavigation();
  useFollowSession();
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
        {status === 'authenticated' && (
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
      <ExpiryDialog />
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
