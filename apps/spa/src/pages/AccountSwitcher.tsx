import type { AccountSummary } from '@gatehouse/shared';
import type { ProviderSummary } from '@gatehouse/shared';
import { isUnauthenticated, useAccounts, useGatehouse } from '@gatehouse/react';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { browser } from '../lib/browser.ts';
import { messageOf } from '../lib/messages.ts';

const nameOf = (account: AccountSummary): string =>
  account.user.name ?? account.user.email ?? account.user.sub;

/**
 * The accounts this browser holds: switch to another without signing in again, add one, sign one or all out.
 * Button names never begin with "Sign out", which is the dashboard's own button.
 */
export function AccountSwitcher() {
  const { accounts, error, actions } = useAccounts();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<{ error: boolean; text: string } | null>(null);
  const gatehouse = useGatehouse();
  const [providers, setProviders] = useState<ProviderSummary[]>([]);
  useEffect(() => {
    gatehouse.providers().then(setProviders, () => setProviders([]));
  }, [gatehouse]);

  async function run(change: () => Promise<string | null>) {
    setBusy(true);
    setStatus(null);
    try {
      const text = await change();
      if (text) setStatus({ error: false, text });
    } catch (e) {
      if (isUnauthenticated(e)) await navigate('/', { replace: true });
      else setStatus({ error: true, text: messageOf(e) });
    } finally {
      setBusy(false);
    }
  }

  const switchTo = (account: AccountSummary) =>
    run(async () => {
      await actions.switchTo(account.id);
      return `You are now ${nameOf(account)}.`;
    });
  const signOutOf = (account: AccountSummary) =>
    run(async () => {
      await actions.signOut(account.id);
      return `${nameOf(account)} is signed out.`;
    });
  const signOutAll = () =>
    run(async () => {
      await actions.signOutAll();
      await navigate('/', { replace: true });
      return null;
    });

  return (
    <section aria-labelledby="accounts-heading">
      <h2 id="accounts-heading">Accounts in this browser</h2>
      {/* A BFF without the accounts routes (404) has one account per browser: nothing to say. */}
      {error && error.status !== 404 && <p className="notice">{error.message}</p>}
      {accounts && (
        <ul className="accounts" aria-label="Accounts">
          {accounts.map((account) => (
            <li key={account.id} aria-current={account.active ? 'true' : undefined}>
              <span>
                {nameOf(account)} <span className="muted">({account.provider})</span>
                {account.active && <strong> · active</strong>}
              </span>{' '}
              {!account.active && (
                <>
                  <button type="button" disabled={busy} onClick={() => void switchTo(account)}>
                    Switch to {nameOf(account)}
                  </button>{' '}
                  <button type="button" disabled={busy} onClick={() => void signOutOf(account)}>
                    Sign {nameOf(account)} out
                  </button>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      {status && (
        <p className={status.error ? 'notice error' : 'notice'} role={status.error ? 'alert' : 'status'}>
          {status.text}
        </p>
      )}
      <p className="actions">
        {providers.length > 1 ? (
          providers.map((p) => (
            <button
              key={p.name}
              type="button"
              disabled={busy}
              onClick={() => browser.assign(actions.addUrl(p.name))}
            >
              Add account with {p.label}
            </button>
          ))
        ) : (
          <button type="button" disabled={busy} onClick={() => browser.assign(actions.addUrl())}>
            Add account
          </button>
        )}
        {accounts && accounts.length > 1 && (
          <button type="button" disabled={busy} onClick={() => void signOutAll()}>
            Sign all accounts out
          </button>
        )}
      </p>
    </section>
  );
}
