import { createGatehouse, GatehouseProvider } from '@gatehouse/react';
import { StrictMode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router-dom';
import { loadConfig, type AppConfig } from './config.ts';
import { browser } from './lib/browser.ts';
import { createRoutes } from './routes.tsx';

function StartupError() {
  return (
    <div className="shell">
      <main id="main">
        <section className="card narrow">
          <h1>Gatehouse could not start</h1>
          <p role="alert">Its configuration could not be loaded. Please try again in a moment.</p>
          <p className="actions">
            <button type="button" onClick={() => window.location.reload()}>
              Try again
            </button>
          </p>
        </section>
      </main>
    </div>
  );
}

/** Loads `/config.json`, then renders the router into `container`. */
export async function start(container: HTMLElement): Promise<Root> {
  const root = createRoot(container);
  let config: AppConfig;
  try {
    config = await loadConfig();
  } catch (error) {
    console.error('Gatehouse: could not load /config.json', error);
    root.render(<StartupError />);
    return root;
  }
  const gatehouse = createGatehouse({
    bffUrl: config.bffUrl,
    silentSignIn: config.silentSignIn,
    navigate: (url) => browser.assign(url),
  });
  const router = createBrowserRouter(createRoutes(gatehouse));
  root.render(
    <StrictMode>
      <GatehouseProvider gatehouse={gatehouse}>
        <RouterProvider router={router} />
      </GatehouseProvider>
    </StrictMode>,
  );
  return root;
}
