import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createGatehouseClient, GatehouseError, UnauthenticatedError } from '@gatehouse/react';
import { listNotes, type Note } from '../src/api/notes.ts';
import { alice, BFF, fakeBff } from './fake-bff.ts';
import { renderApp } from './render.tsx';

beforeEach(() => {
  sessionStorage.clear();
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const older: Note = { id: 'a1', text: 'Buy milk', createdAt: '2026-11-26T19:00:00.000Z' };
const newer: Note = { id: 'b2', text: 'Call the Hatter', createdAt: '2026-11-26T20:00:00.000Z' };

const noteTexts = () =>
  within(screen.getByRole('list', { name: 'Your notes' }))
    .getAllByRole('listitem')
    .map((item) => item.querySelector('.note-text')?.textContent);

function expectBffCall(init: RequestInit | undefined) {
  expect(init?.credentials).toBe('include');
  expect(new Headers(init?.headers).get('X-CSRF')).toBe('1');
}

describe('notes on the dashboard', () => {
  it('lists the notes newest first through the BFF proxy', async () => {
    const bff = fakeBff({ session: alice, notes: [older, newer] });
    renderApp('/dashboard', bff);
    expect(await screen.findByRole('heading', { name: 'Notes' })).toBeTruthy();
    await screen.findByRole('list', { name: 'Your notes' });
    expect(noteTexts()).toEqual(['Call the Hatter', 'Buy milk']);
    const list = bff.calls.find((c) => c.path === '/api/proxy/notes/notes');
    expect(list?.method).toBe('GET');
    expect(list?.url).toBe(`${BFF}/api/proxy/notes/notes`);
    expectBffCall(list?.init);
    expect(document.querySelector(`time[datetime="${newer.createdAt}"]`)).not.toBeNull();
  });

  it('adds a note with a JSON POST and shows it first', async () => {
    const bff = fakeBff({ session: alice, notes: [newer] });
    renderApp('/dashboard', bff);
    const input = await screen.findByLabelText('New note');
    const add = screen.getByRole('button', { name: 'Add note' });
    expect(add.hasAttribute('disabled')).toBe(true);
    fireEvent.change(input, { target: { value: '  Paint the roses red  ' } });
    expect(add.hasAttribute('disabled')).toBe(false);
    fireEvent.click(add);

    await waitFor(() => expect(noteTexts()).toEqual(['Paint the roses red', 'Call the Hatter']));
    expect((input as HTMLInputElement).value).toBe('');
    const post = bff.calls.find((c) => c.method === 'POST');
    expect(post?.path).toBe('/api/proxy/notes/notes');
    expectBffCall(post?.init);
    expect(new Headers(post?.init?.headers).get('Content-Type')).toBe('application/json');
    expect(JSON.parse(String(post?.init?.body))).toEqual({ text: 'Paint the roses red' });
    expect(input.getAttribute('maxlength')).toBe('500');
  });

  it("shows the API's message when it refuses a note", async () => {
    const bff = fakeBff({
      session: alice,
      notes: [],
      routes: {
        'POST /api/proxy/notes/notes': {
          status: 409,
          body: { error: 'limit_reached', message: 'You have 100 notes already; delete one to add another.' },
        },
      },
    });
    renderApp('/dashboard', bff);
    expect(await screen.findByText('No notes yet.')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('New note'), { target: { value: 'one too many' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add note' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'You have 100 notes already; delete one to add another.',
    );
    expect((screen.getByLabelText('New note') as HTMLInputElement).value).toBe('one too many');
  });

  it('deletes a note (and treats one deleted elsewhere as gone)', async () => {
    const bff = fakeBff({ session: alice, notes: [newer, older] });
    renderApp('/dashboard', bff);
    await screen.findByRole('list', { name: 'Your notes' });
    const buttons = screen.getAllByRole('button', { name: 'Delete' });
    expect(buttons).toHaveLength(2);
    fireEvent.click(buttons[1]!);
    await waitFor(() => expect(noteTexts()).toEqual(['Call the Hatter']));
    const del = bff.calls.find((c) => c.method === 'DELETE');
    expect(del?.path).toBe('/api/proxy/notes/notes/a1');
    expectBffCall(del?.init);

    bff.state.notes = []; // deleted in another tab
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    expect(await screen.findByText('No notes yet.')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it.each([
    ['not-configured', 'Notes are not configured.'],
    ['forbidden', 'Notes are available when signed in with Dev IdP.'],
  ] as const)('explains instead of the form when the proxy says %s', async (notes, text) => {
    renderApp('/dashboard', fakeBff({ session: alice, notes }));
    expect(await screen.findByText(text)).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Notes' })).toBeTruthy();
    expect(screen.queryByLabelText('New note')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Add note' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull();
    // The rest of the dashboard is unaffected.
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeTruthy();
  });

  it.each(['unavailable', 'timeout'] as const)(
    'says the service is unavailable (%s) and can try again',
    async (notes) => {
      const bff = fakeBff({ session: alice, notes });
      renderApp('/dashboard', bff);
      expect((await screen.findByRole('alert')).textContent).toBe('The notes service is unavailable.');
      expect(screen.queryByLabelText('New note')).toBeNull();
      bff.state.notes = [older];
      fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
      await screen.findByRole('list', { name: 'Your notes' });
      expect(noteTexts()).toEqual(['Buy milk']);
      expect(screen.queryByRole('alert')).toBeNull();
    },
  );

  it('a 401 from the BFF (session gone) shows the signed-out home', async () => {
    const bff = fakeBff({ session: alice, notes: [older] });
    renderApp('/dashboard', bff);
    await screen.findByRole('list', { name: 'Your notes' });
    bff.state.session = null;
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    await screen.findByRole('button', { name: 'Sign in with Dev IdP' });
    expect(window.location.pathname).toBe('/');
  });

  it('renders note text as text, never as markup', async () => {
    const hostile: Note = { id: 'x', text: '<img src=x onerror="alert(1)">', createdAt: newer.createdAt };
    const { container } = renderApp('/dashboard', fakeBff({ session: alice, notes: [hostile] }));
    await screen.findByRole('list', { name: 'Your notes' });
    expect(noteTexts()).toEqual(['<img src=x onerror="alert(1)">']);
    expect(container.querySelector('img[src="x"], [onerror]')).toBeNull();
  });
});

describe('BFF client notes calls', () => {
  it("tells a 401 of the notes API apart from the BFF's own", async () => {
    const answer = (body: unknown) =>
      vi.stubGlobal(
        'fetch',
        vi.fn(async () => new Response(JSON.stringify(body), { status: 401 })),
      );
    const client = createGatehouseClient({ bffUrl: BFF });
    answer({ error: 'invalid_token', message: 'The access token is not meant for this API.' });
    const apiError = await listNotes(client).catch((e: unknown) => e);
    expect(apiError).toBeInstanceOf(GatehouseError);
    expect(apiError).not.toBeInstanceOf(UnauthenticatedError);
    expect(apiError).toMatchObject({ status: 401, code: 'invalid_token' });
    answer({ error: 'unauthenticated', message: 'Sign in to continue.' });
    expect(await listNotes(client).catch((e: unknown) => e)).toBeInstanceOf(UnauthenticatedError);
  });

  it('refuses an answer that is not a list of notes', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Response.json([{ id: 1, text: 'x' }])),
    );
    await expect(listNotes(createGatehouseClient({ bffUrl: BFF }))).rejects.toMatchObject({
      code: 'invalid_response',
    });
  });
});
