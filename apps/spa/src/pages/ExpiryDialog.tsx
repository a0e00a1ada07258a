import { useSession } from '@gatehouse/react';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { messageOf } from '../lib/messages.ts';

/** "1 min 05 s", "42 s". */
function remaining(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? `${minutes} min ${String(seconds % 60).padStart(2, '0')} s` : `${seconds} s`;
}

function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

/**
 * The warning before the session ends, as an alert dialog: focus moves into it and stays there (Tab cycles its
 * buttons), and Escape does not dismiss it — the user chooses. Before the absolute expiry it says the session
 * cannot be extended.
 */
export function ExpiryDialog() {
  const { expiryWarning, staySignedIn, signOut } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [acknowledged, setAcknowledged] = useState<string | null>(null);
  const dialog = useRef<HTMLDivElement>(null);
  const open = expiryWarning !== null && acknowledged !== expiryWarning.endsAt;
  const now = useNow(open);

  useEffect(() => {
    if (open) dialog.current?.querySelector<HTMLButtonElement>('button')?.focus();
  }, [open]);

  if (!open) return null;

  async function act(action: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === 'Escape') {
      event.preventDefault();
      return;
    }
    if (event.key !== 'Tab') return;
    const buttons = [...(dialog.current?.querySelectorAll<HTMLButtonElement>('button') ?? [])];
    const first = buttons[0];
    const last = buttons[buttons.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last?.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first?.focus();
    }
  }

  const left = remaining(Date.parse(expiryWarning.endsAt) - now);
  return (
    <div className="dialog-backdrop">
      <div
        ref={dialog}
        className="card narrow dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="expiry-title"
        aria-describedby="expiry-text"
        onKeyDown={onKeyDown}
      >
        <h2 id="expiry-title">Your session is about to end</h2>
        {expiryWarning.extendable ? (
          <p id="expiry-text">
            You will be signed out in <span className="countdown">{left}</span> unless you stay signed in.
          </p>
        ) : (
          <p id="expiry-text">
            Your session reaches its time limit in <span className="countdown">{left}</span> and cannot be
            extended. Save your work, then sign in again.
          </p>
        )}
        {error && (
          <p className="notice error" role="alert">
            {error}
          </p>
        )}
        <p className="actions">
          {expiryWarning.extendable ? (
            <button type="button" className="primary" disabled={busy} onClick={() => void act(staySignedIn)}>
              Stay signed in
            </button>
          ) : (
            <button type="button" className="primary" onClick={() => setAcknowledged(expiryWarning.endsAt)}>
              Continue
            </button>
          )}
          <button type="button" disabled={busy} onClick={() => void act(signOut)}>
            Sign out
          </button>
        </p>
      </div>
    </div>
  );
}
