import type { SessionSummary } from '@gatehouse/shared';
import { useState } from 'react';
import { GatehouseError, isSignInRequired, isUnauthenticated, useGatehouse } from '@gatehouse/react';
import { Link, useLoaderData, useNavigate, useRevalidator } from 'react-router-dom';
import { describeUserAgent, formatDateTime, formatRelative } from '../lib/format.ts';
import { messageOf } from '../lib/messages.ts';
import type { SessionsData } from '../lib/route-data.ts';
import { SignInRequiredNotice } from './SignInRequired.tsx';

export function SessionsPage() {
  const data = useLoaderData() as SessionsData;
  if (isSignInRequired(data)) return <SignInRequiredNotice state={data} />;
  return (
    <section className="card">
      <title>Sessions · Gatehouse</title>
      <h1>Your sessions</h1>
      {data.unavailable ? (
        <p className="notice" role="status">
          Session management is not available.
        </p>
      ) : (
        <SessionList sessions={data.sessions} />
      )}
      <p>
        <Link to="/dashboard">Back to the Dashboard</Link>
      </p>
    </section>
  );
}

/** Current session first, then the most recently used. */
function ordered(sessions: SessionSummary[]): SessionSummary[] {
  return [...sessions].sort(
    (a, b) => Number(b.current) - Number(a.current) || b.lastSeenAt.localeCompare(a.lastSeenAt),
  );
}

function SessionList({ sessions }: { sessions: SessionSummary[] }) {
  const { client, session: store } = useGatehouse();
  const navigate = useNavigate();
  const revalidator = useRevalidator();
  const [busy, setBusy] = useState<string | null>(null);
  const [status, setStatus] = useState<{ error: boolean; text: string } | null>(null);

  /** Runs one change; a 401 means the session is gone already: the signed-out home. */
  async function run(key: string, change: () => Promise<'signed-out' | string>) {
    setBusy(key);
    setStatus(null);
    try {
      const outcome = await change();
      // A browser holding several accounts goes on as another of them.
      const next = outcome === 'signed-out' ? await store.refresh().catch(() => null) : null;
      if (outcome === 'signed-out' && !next) {
        store.signedOut('signed_out');
        await navigate('/', { replace: true });
        return;
      }
      const who = next ? (next.user.name ?? next.user.sub) : null;
      setStatus({ error: false, text: who ? `Signed out of that account; you are now ${who}.` : outcome });
      await revalidator.revalidate();
    } catch (error) {
      if (isUnauthenticated(error)) {
        await navigate('/', { replace: true });
        return;
      }
      if (error instanceof GatehouseError && error.status === 404) {
        setStatus({ error: false, text: 'That session had already ended.' });
        await revalidator.revalidate();
      } else {
        setStatus({ error: true, text: messageOf(error) });
      }
    } finally {
      setBusy(null);
    }
  }

  const revoke = (s: SessionSummary) =>
    run(s.id, async () => {
      await client.revokeSession(s.id);
      return s.current ? 'signed-out' : 'Session revoked.';
    });

  const revokeAll = () =>
    run('*', async () => {
      await client.revokeAllSessions();
      return 'signed-out';
    });

  return (
    <>
      <p className="lead">
        Every browser or device where you are signed in. Revoke any you do not recognise; revoking this device
        signs you out here.
      </p>
      {status && (
        <p className={status.error ? 'notice error' : 'notice'} role={status.error ? 'alert' : 'status'}>
          {status.text}
        </p>
      )}
      {sessions.length === 0 ? (
        <p className="notice">No active sessions.</p>
      ) : (
        <ul className="sessions" aria-label="Active sessions">
          {ordered(sessions).map((s, index) => (
            <li key={s.id} className={s.current ? 'session current' : 'session'}>
              <div className="session-info">
                <p className="session-device" id={`session-${index}`}>
                  <span title={s.userAgent ?? undefined}>{describeUserAgent(s.userAgent)}</span>
                  {s.current && <span className="badge">This device</span>}
                </p>
                <p className="muted">
                  Provider {s.provider} · signed in{' '}
                  <time dateTime={s.createdAt} title={formatDateTime(s.createdAt)}>
                    {formatRelative(s.createdAt)}
                  </time>{' '}
                  · last active{' '}
                  <time dateTime={s.lastSeenAt} title={formatDateTime(s.lastSeenAt)}>
                    {formatRelative(s.lastSeenAt)}
                  </time>
                </p>
              </div>
              <button
                type="button"
                aria-describedby={`session-${index}`}
                disabled={busy !== null}
                onClick={() => void revoke(s)}
              >
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
      <p className="actions">
        <button type="button" className="danger" disabled={busy !== null} onClick={() => void revokeAll()}>
          Sign out everywhere
        </button>
      </p>
    </>
  );
}
