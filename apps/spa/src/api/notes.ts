import type { GatehouseClient } from '@gatehouse/react';

/**
 * The sample notes API as the SPA reaches it: through the BFF's proxy (`@gatehouse/react`'s `proxyJson`),
 * which adds the session's access token. The SPA ships no validation library (see decision 021), so the one
 * shape it reads is checked by hand.
 */

export interface Note {
  id: string;
  text: string;
  /** ISO 8601 UTC. */
  createdAt: string;
}

/** The proxied API's name in the BFF's `PROVIDERS_FILE`. */
export const NOTES_API = 'notes';

/** The API's limit, mirrored in the input so the user cannot type past it. */
export const MAX_NOTE_LENGTH = 500;

export function isNote(value: unknown): value is Note {
  if (typeof value !== 'object' || value === null) return false;
  const { id, text, createdAt } = value as Record<string, unknown>;
  return (
    typeof id === 'string' &&
    id.length > 0 &&
    typeof text === 'string' &&
    typeof createdAt === 'string' &&
    !Number.isNaN(Date.parse(createdAt))
  );
}

const isNoteList = (value: unknown): value is Note[] => Array.isArray(value) && value.every(isNote);

export const listNotes = (client: GatehouseClient): Promise<Note[]> =>
  client.proxyJson(NOTES_API, 'notes', isNoteList);

export const addNote = (client: GatehouseClient, text: string): Promise<Note> =>
  client.proxyJson(NOTES_API, 'notes', isNote, { method: 'POST', json: { text } });

export async function deleteNote(client: GatehouseClient, id: string): Promise<void> {
  await client.proxyFetch(NOTES_API, `notes/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

/** Newest first, whatever order they came in. */
export function newestFirst(notes: readonly Note[]): Note[] {
  return [...notes].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
}

/**
 * The same notes API under a second name whose `require` asks for a fresh password (`require.acr` and
 * `require.maxAge` in `PROVIDERS_FILE`): the dashboard's one action that needs a step-up.
 */
export const NOTES_EXPORT_API = 'notes-export';

export const exportNotes = (client: GatehouseClient): Promise<Note[]> =>
  client.proxyJson(NOTES_EXPORT_API, 'notes', isNoteList);
