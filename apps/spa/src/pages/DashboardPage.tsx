import { isSignInRequired, useSession } from '@gatehouse/react';
import { useState } from 'react';
import { Link, useLoaderData } from 'react-router-dom';
import { formatDateTime, formatRelative } from '../lib/format.ts';
import { messageOf } from '../lib/messages.ts';
import type { DashboardData } from '../lib/route-data.ts';
import { ExportNotes } from './ExportNotes.tsx';
import { AccountSwitcher } from './AccountSwitcher.tsx';
import { Notes } from './Notes.tsx';
import { SignInRequiredNotice } from './SignInRequired.tsx';

function When({ iso }: { iso: string }) {
  return (
    <>
      <time dateTime={iso} title={iso}>
        {formatDateTime(iso)}
      </time>{' '}
      <span className="muted">({formatRelative(iso)})</span>
    </>
  );
}

export function DashboardPage() {
  const data = useLoaderData() as DashboardData;
  if (isSignInRequired(data)) return <SignInRequiredNotice state={data} />;
  return <Dashboard {...data} />;
}

function Dashboard({ session: loaded, providerLabel }: Exclude<DashboardData, { signIn: unknown }>) {
  // The live session (its idle expiry moves), falling back to the loader's while the page leaves.
  const live = useSession();
  const session = live.session ?? loaded;
  const [signingOut, setSigningOut] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { user } = session;

  async function signOut() {
    setSigningOut(true);
    setError(null);
    try {
      await live.signOut(); // leaves the page for the provider's end-session URL
    } catch (e) {
      setSigningOut(false);
      setError(messageOf(e));
    }
  }

  return (
    <section className="card">
      <title>Dashboard · Gatehouse</title>
      <div className="profile">
        {user.picture && /^https:\/\//.test(user.picture) && (
          <img
            className="avatar"
            src={user.picture}
            alt=""
            width={56}
            height={56}
            referrerPolicy="no-referrer"
          />
        )}
        <div>
          <h1>Dashboard</h1>
          <p className="lead">Welcome, {user.name ?? user.email ?? user.sub}.</p>
        </div>
      </div>

      <h2>Your account</h2>
      <dl className="details">
        <dt>Name</dt>
        <dd>{user.name ?? <span className="muted">Not provided</span>}</dd>
        <dt>Email</dt>
        <dd>{user.email ?? <span className="muted">Not provided</span>}</dd>
        {Array.isArray(session.claims.groups) && session.claims.groups.length > 0 && (
          <>
            <dt>Groups</dt>
            <dd>{session.claims.groups.join(', ')}</dd>
          </>
        )}
        <dt>Provider</dt>
        <dd>
          {providerLabel ? (
            <>
              {providerLabel} <span className="muted">({session.provider})</span>
            </>
          ) : (
            session.provider
          )}
        </dd>
      </dl>

      <h2>This session</h2>
      <dl className="details">
        <dt>Signed in</dt>
        <dd>
          <When iso={session.createdAt} />
        </dd>
        <dt>Session expires</dt>
        <dd>
          <When iso={session.expiresAt} />
        </dd>
        <dt>Expires if idle</dt>
        <dd>
          <When iso={session.idleExpiresAt} />
        </dd>
      </dl>

      {error && (
        <p className="notice error" role="alert">
          {error}
        </p>
      )}
      <p className="actions">
        <button type="button" className="primary" onClick={() => void signOut()} disabled={signingOut}>
          {signingOut ? 'Signing out…' : 'Sign out'}
        </button>
        <Link to="/sessions">Manage your sessions</Link>
      </p>

      <AccountSwitcher />

      <Notes />
      <ExportNotes />
    </section>
  );
}
