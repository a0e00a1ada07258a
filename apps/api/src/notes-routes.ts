import type Router from '@koa/router';
import type { Middleware } from 'koa';
import { z } from 'zod';
import type { AuthState } from './bearer-auth.ts';
import { ApiError, invalidRequest, notFound } from './errors.ts';
import { readJsonBody } from './json-body.ts';
import { NoteLimitError, type NotesStore } from './notes-store.ts';

export const MAX_NOTE_LENGTH = 500;

// Length in characters (code points), after trimming: "  " is no note, an emoji is one character.
const NewNoteSchema = z.object({
  text: z
    .string({ error: '"text" must be a string' })
    .trim()
    .refine((text) => text.length > 0, '"text" must not be empty')
    .refine(
      (text) => [...text].length <= MAX_NOTE_LENGTH,
      `"text" must be at most ${MAX_NOTE_LENGTH} characters`,
    ),
});

export interface NotesRoutesOptions {
  store: NotesStore;
  auth: Middleware<AuthState>;
  bodyLimit: number;
}

/** `GET /notes`, `POST /notes`, `DELETE /notes/:id` on `router`: the caller's own notes, by the token's `sub`. */
export function notesRoutes(router: Router<AuthState>, { store, auth, bodyLimit }: NotesRoutesOptions): void {
  router.get('/notes', auth, (ctx) => {
    ctx.body = store.list(ctx.state.caller.sub);
  });

  router.post('/notes', auth, async (ctx) => {
    const parsed = NewNoteSchema.safeParse(await readJsonBody(ctx, bodyLimit));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const message =
        issue?.path.length === 0 ? 'The body must be a JSON object {"text": "..."}.' : issue?.message;
      throw invalidRequest(message ?? 'The note is not valid.');
    }
    try {
      ctx.body = store.add(ctx.state.caller.sub, parsed.data.text);
    } catch (error) {
      if (!(error instanceof NoteLimitError)) throw error;
      throw new ApiError(
        409,
        'limit_reached',
        `You have ${store.maxPerUser} notes already; delete one to add another.`,
      );
    }
    ctx.status = 201;
  });

  router.delete('/notes/:id', auth, (ctx) => {
    if (!store.delete(ctx.state.caller.sub, ctx.params['id'] ?? '')) throw notFound('No such note.');
    ctx.status = 204;
  });
}
