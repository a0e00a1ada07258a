import { act, screen } from '@testing-library/react';
import type { Root } from 'react-dom/client';
import { afterEach, expect, it, vi } from 'vitest';
import { start } from '../src/start.tsx';
import { fakeBff, type FakeBff } from './fake-bff.ts';

let root: Root | undefined;
let container: HTMLElement | undefined;

afterEach(() => {
  act(() => root?.unmount());
  container?.remove();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

async function boot(bff: FakeBff) {
  vi.stubGlobal('fetch', bff.fetch);
  window.history.replaceState(null, '', '/');
  container = document.body.appendChild(document.createElement('div'));
  await act(async () => {
    root = await start(container!);
  });
}

it('reads /config.json from its own origin and calls the BFF it names', async () => {
  const bff = fakeBff({ config: { bffUrl: 'http://127.0.0.1:4999/' } });
  await boot(bff);
  await screen.findByRole('button', { name: 'Sign in with Dev IdP' });
  expect(bff.calls[0]?.url).toBe('http://localhost:3000/config.json');
  expect(bff.calls.slice(1).every((c) => c.url.startsWith('http://127.0.0.1:4999/'))).toBe(true);
  expect(bff.calls.map((c) => c.path)).toContain('/api/session');
});

it('says politely that it could not start when the configuration is broken', async () => {
  vi.spyOn(console, 'error').mockImplementation(() => {});
  await boot(fakeBff({ config: { bffUrl: 'javascript:alert(1)' } }));
  expect((await screen.findByRole('alert')).textContent).toMatch(/configuration could not be loaded/);
});
