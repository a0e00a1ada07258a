import {
  GatehouseError,
  isStepUpRequired,
  isUnauthenticated,
  useGatehouse,
  useSession,
  type StepUpRequiredError,
} from '@gatehouse/react';
import { useState } from 'react';
import { exportNotes, newestFirst, type Note } from '../api/notes.ts';
import { messageOf } from '../lib/messages.ts';

type ExportState =
  | { kind: 'idle' }
  | { kind: 'busy' }
  /** The BFF answered 401 `step_up_required`: the session is fine, but not proven recently enough. */
  | { kind: 'step-up'; requirement: StepUpRequiredError }
  | { kind: 'done'; notes: Note[] }
  | { kind: 'failed'; text: string };

/**
 * A protected action: exporting the notes goes through an API that requires the password to have been confirmed
 * recently. Without it the user is offered a step-up, which signs in again at the provider (the password is asked
 * for again) and comes back to the dashboard with the same session upgraded; the export then goes through.
 */
export function ExportNotes() {
  const { client } = useGatehouse();
  const { stepUp } = useSession();
  const [state, setState] = useState<ExportState>({ kind: 'idle' });

  async function run() {
    setState({ kind: 'busy' });
    try {
      setState({ kind: 'done', notes: newestFirst(await exportNotes(client)) });
    } catch (error) {
      if (isUnauthenticated(error)) return; // the session store knows; the layout shows the home
      if (isStepUpRequired(error)) setState({ kind: 'step-up', requirement: error });
      else if (error instanceof GatehouseError && error.status === 404) {
        setState({ kind: 'failed', text: 'Exporting notes is not configured.' });
      } else setState({ kind: 'failed', text: messageOf(error) });
    }
  }

  return (
    <section className="export" aria-labelledby="export-heading">
      <h2 id="export-heading">Protected action</h2>
      <p className="muted">Exporting your notes needs your password confirmed within the last few minutes.</p>
      <p className="actions">
        <button type="button" onClick={() => void run()} disabled={state.kind === 'busy'}>
          {state.kind === 'busy' ? 'Exporting…' : 'Export notes'}
        </button>
      </p>
      {state.kind === 'step-up' && (
        <div className="notice" role="alert">
          <p>Exporting your notes needs you to confirm your password.</p>
          <p className="actions">
            <button type="button" className="primary" onClick={() => stepUp(state.requirement)}>
              Confirm with your password
            </button>
          </p>
        </div>
      )}
      {state.kind === 'failed' && (
        <p className="notice error" role="alert">
          {state.text}
        </p>
      )}
      {state.kind === 'done' && (
        <>
          <p role="status">
            Exported {state.notes.length} {state.notes.length === 1 ? 'note' : 'notes'}.
          </p>
          <pre className="export-output" aria-label="Exported notes">
            {JSON.stringify(state.notes, null, 2)}
          </pre>
        </>
      )}
    </section>
  );
}
