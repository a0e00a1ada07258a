import { randomUUID } from 'node:crypto';

/** A note as the API answers it. `createdAt` is ISO 8601 UTC. */
export interface Note {
  id: string;
  text: string;
  createdAt: string;
}

/** Adding a note beyond the per-user cap. */
export class NoteLimitError extends Error {
  override name = 'NoteLimitError';
}

export interface NotesStoreOptions {
  /** Notes kept per user (default 100). */
  maxPerUser?: number;
  /** Milliseconds since the epoch (default `Date.now`). */
  clock?: () => number;
}

/** In-memory notes, per user (`sub`), newest first. Gone when the process ends: this is a sample API. */
export class NotesStore {
  readonly #notes = new Map<string, Note[]>();
  readonly #maxPerUser: number;
  readonly #clock: () => number;

  constructor(options: NotesStoreOptions = {}) {
    this.#maxPerUser = options.maxPerUser ?? 100;
    this.#clock = options.clock ?? Date.now;
  }

  get maxPerUser(): number {
    return this.#maxPerUser;
  }

  list(owner: string): Note[] {
    return (this.#notes.get(owner) ?? []).map((note) => ({ ...note }));
  }

  add(owner: string, text: string): Note {
    const notes = this.#notes.get(owner) ?? [];
    if (notes.length >= this.#maxPerUser) throw new NoteLimitError(`at most ${this.#maxPerUser} notes`);
    const note: Note = { id: randomUUID(), text, createdAt: new Date(this.#clock()).toISOString() };
    notes.unshift(note);
    this.#notes.set(owner, notes);
    return { ...note };
  }

  /** `false` when the owner has no such note (another user's note is not theirs to delete). */
  delete(owner: string, id: string): boolean {
    const notes = this.#notes.get(owner);
    const index = notes?.findIndex((note) => note.id === id) ?? -1;
    if (!notes || index === -1) return false;
    notes.splice(index, 1);
    if (notes.length === 0) this.#notes.delete(owner);
    return true;
  }
}
