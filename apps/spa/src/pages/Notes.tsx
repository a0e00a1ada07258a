import { useEffect, useState, type FormEvent } from 'react';
import { GatehouseError, isUnauthenticated, useGatehouse } from '@gatehouse/react';
import { addNote, deleteNote, listNotes, MAX_NOTE_LENGTH, newestFirst, type Note } from '../api/notes.ts';
import { formatDateTime, formatRelative } from '../lib/format.ts';
import { messageOf } from '../lib/messages.ts';

/**
 * The dashboard's notes: the sample notes API reached through the BFF proxy with the session's token.
 * Loaded by the component itself, so the dashboard shows even when the notes service does not answer.
 */

type ListState =
  | { kind: 'loading' }
  | { kind: 'ready'; notes: Note[] }
  /** Nothing to retry: the BFF has no notes API, or this session's provider is not the API's. */
  | { kind: 'unavailable'; text: string }
  | { kind: 'failed'; text: string };

type Status = { error: boolean; text: string } | null;

/** What to show instead of the notes when listing them fails for a reason the user cannot fix by retrying. */
function listFailure(error: unknown): ListState {
  if (error instanceof GatehouseError) {
    if (error.status === 404) return { kind: 'unavailable', text: 'Notes are not configured.' };
    if (error.status === 403) {
      return { kind: 'unavailable', text: 'Notes are available when signed in with Dev IdP.' };
    }
    if (error.status === 502 || error.status === 503 || error.status === 504) {
      return { kind: 'failed', text: 'The notes service is unavailable.' };
    }
  }
  return { kind: 'failed', text: messageOf(error) };
}

export function Notes() {
  const { client } = useGatehouse();
  const [list, setList] = useState<ListState>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [draft, setDraft] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [status, setStatus] = useState<Status>(null);

  useEffect(() => {
    let active = true;
    listNotes(client).then(
      (notes) => {
        if (active) setList({ kind: 'ready', notes: newestFirst(notes) });
      },
      (error: unknown) => {
        if (!active) return;
        if (isUnauthenticated(error)) return; // the session store knows; the layout shows the home
        setList(listFailure(error));
      },
    );
    return () => {
      active = false;
    };
  }, [client, attempt]);

  /** Runs one change; a 401 means the session is gone: the signed-out home. */
  async function run(key: string, change: () => Promise<void>) {
    setBusy(key);
    setStatus(null);
    try {
      await change();
    } catch (error) {
      if (isUnauthenticated(error)) return; // the session store knows; the layout shows the home
      setStatus({ error: true, text: messageOf(error) });
    } finally {
      setBusy(null);
    }
  }

  const update = (change: (notes: Note[]) => Note[]) =>
    setList((current) =>
      current.kind === 'ready' ? { kind: 'ready', notes: change(current.notes) } : current,
    );

  function add(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const text = draft.trim();
    if (!text || busy) return;
    void run('add', async () => {
      const note = await addNote(client, text);
      update((notes) => newestFirst([note, ...notes.filter((n) => n.id !== note.id)]));
      setDraft('');
    });
  }

  function remove(note: Note) {
    void run(note.id, async () => {
      try {
        await deleteNote(client, note.id);
      } catch (error) {
        // Deleted already (another tab): the outcome the user wanted.
        if (!(error instanceof GatehouseError && error.status === 404)) throw error;
      }
      update((notes) => notes.filter((n) => n.id !== note.id));
    });
  }

  return (
    <section className="notes" aria-labelledby="notes-heading">
      <h2 id="notes-heading">Notes</h2>
      {list.kind === 'loading' && <p className="muted">Loading notes…</p>}
      {list.kind === 'unavailable' && <p className="notice">{list.text}</p>}
      {list.kind === 'failed' && (
        <>
          <p className="notice error" role="alert">
            {list.text}
          </p>
          <p>
            <button
              type="button"
              onClick={() => {
                setList({ kind: 'loading' });
                setAttempt((n) => n + 1);
              }}
            >
              Try again
            </button>
          </p>
        </>
      )}
      {list.kind === 'ready' && (
        <>
          <form className="note-form" onSubmit={add}>
            <label htmlFor="new-note">New note</label>
            <div className="note-form-row">
              <input
                id="new-note"
                type="text"
                value={draft}
                maxLength={MAX_NOTE_LENGTH}
                autoComplete="off"
                onChange={(event) => setDraft(event.target.value)}
              />
              <button type="submit" className="primary" disabled={busy !== null || draft.trim() === ''}>
                {busy === 'add' ? 'Adding…' : 'Add note'}
              </button>
            </div>
          </form>
          {status && (
            <p className={status.error ? 'notice error' : 'notice'} role={status.error ? 'alert' : 'status'}>
              {status.text}
            </p>
          )}
          {list.notes.length === 0 ? (
            <p className="muted">No notes yet.</p>
          ) : (
            <ul className="note-list" aria-label="Your notes">
              {list.notes.map((note) => (
                <li key={note.id} className="note">
                  <div className="note-body">
                    <p className="note-text" id={`note-${note.id}`}>
                      {note.text}
                    </p>
                    <time className="muted" dateTime={note.createdAt} title={formatDateTime(note.createdAt)}>
                      {formatRelative(note.createdAt)}
                    </time>
                  </div>
                  <button
                    type="button"
                    aria-describedby={`note-${note.id}`}
                    disabled={busy !== null}
                    onClick={() => remove(note)}
                  >
                    Delete
                  </button>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
