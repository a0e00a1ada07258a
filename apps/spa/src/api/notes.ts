/**
 * The sample notes API as the SPA reaches it: through the BFF's proxy, which adds the session's access
 * token. The SPA has no validation library of its own (zod stays in `@gatehouse/shared`), so the one shape
 * it reads is checked by hand.
 */

export interface Note {
  id: string;
  text: string;
  /** ISO 8601 UTC. */
  createdAt: string;
}

/** `GET`/`POST` here; `DELETE ${NOTES_PATH}/<id>`. */
export const NOTES_PATH = '/api/proxy/notes/notes';

/** The API's limit, mirrored in the input so the user cannot type past it. */
export const MAX_NOTE_LENGTH = 500;

type Parsed<T> = { success: true; data: T } | { success: false };

function isNote(value: unknown): value is Note {
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

const note = ({ id, text, createdAt }: Note): Note => ({ id, text, createdAt });

export const NoteSchema = {
  safeParse: (data: unknown): Parsed<Note> =>
    isNote(data) ? { success: true, data: note(data) } : { success: false },
};

export const NoteListSchema = {
  safeParse: (data: unknown): Parsed<Note[]> =>
    Array.isArray(data) && data.every(isNote) ? { success: true, data: data.map(note) } : { success: false },
};

/** Newest first, whatever order they came in. */
export function newestFirst(notes: readonly Note[]): Note[] {
  return [...notes].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
}
