import { render } from '@testing-library/react';
import { createBrowserRouter, RouterProvider } from 'react-router-dom';
import { vi } from 'vitest';
import { createBffClient } from '../src/api/bff.ts';
import { browser } from '../src/lib/browser.ts';
import { createRoutes } from '../src/routes.tsx';
import { BFF, type FakeBff } from './fake-bff.ts';

/** Renders the whole app (real routes, real client) at `path`, against a fake BFF behind `fetch`. */
export function renderApp(path: string, bff: FakeBff) {
  vi.stubGlobal('fetch', bff.fetch);
  const assign = vi.spyOn(browser, 'assign').mockImplementation(() => {});
  window.history.replaceState(null, '', path);
  const router = createBrowserRouter(createRoutes(createBffClient(BFF)));
  const view = render(<RouterProvider router={router} />);
  return { ...view, router, assign };
}
