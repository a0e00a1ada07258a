import { createGatehouse, GatehouseProvider } from '@gatehouse/react';
import { render } from '@testing-library/react';
import { createBrowserRouter, RouterProvider } from 'react-router-dom';
import { vi } from 'vitest';
import { browser } from '../src/lib/browser.ts';
import { createRoutes } from '../src/routes.tsx';
import { BFF, type FakeBff } from './fake-bff.ts';

/** Renders the whole app (real routes, real `@gatehouse/react`) at `path`, against a fake BFF behind `fetch`. */
export function renderApp(path: string, bff: FakeBff) {
  vi.stubGlobal('fetch', bff.fetch);
  const assign = vi.spyOn(browser, 'assign').mockImplementation(() => {});
  window.history.replaceState(null, '', path);
  const gatehouse = createGatehouse({ bffUrl: BFF, tabSync: false, navigate: (url) => browser.assign(url) });
  const router = createBrowserRouter(createRoutes(gatehouse));
  const view = render(
    <GatehouseProvider gatehouse={gatehouse}>
      <RouterProvider router={router} />
    </GatehouseProvider>,
  );
  return { ...view, router, assign, gatehouse };
}
