import { GatehouseError, isSignInRequired, isUnauthenticated, type Gatehouse } from '@gatehouse/react';
import { redirect, type RouteObject } from 'react-router-dom';
import { messageOf } from './lib/messages.ts';
import type { DashboardData, HomeData, SessionsData } from './lib/route-data.ts';
import { ErrorPage } from './pages/ErrorPage.tsx';
import { HomePage } from './pages/HomePage.tsx';
import { Layout, Loading } from './pages/Layout.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';

/**
 * The routes over one `Gatehouse`: the session is read once per page (by whichever loader asks first) and kept
 * live by `@gatehouse/react`; the protected pages are separate chunks, loaded when first visited.
 */
export function createRoutes(gatehouse: Gatehouse): RouteObject[] {
  const { client, session } = gatehouse;

  return [
    {
      id: 'root',
      path: '/',
      element: <Layout />,
      errorElement: <ErrorPage />,
      HydrateFallback: Loading,
      loader: async () => {
        await session.load().catch(() => null);
        return null;
      },
      children: [
        {
          index: true,
          element: <HomePage />,
          // Signed out, the sign-in buttons; fetched again after a sign-out elsewhere (a revalidation).
          loader: async (): Promise<HomeData> => {
            const current = await session.load().catch(() => null);
            if (current) return { providers: [], providersError: null };
            try {
              return { providers: await gatehouse.providers(), providersError: null };
            } catch (error) {
              return { providers: [], providersError: messageOf(error) };
            }
          },
        },
        {
          path: 'dashboard',
          lazy: async () => ({ Component: (await import('./pages/DashboardPage.tsx')).DashboardPage }),
          loader: async ({ request }): Promise<DashboardData> => {
            const guard = await gatehouse.requireSession(request);
            if (isSignInRequired(guard)) return guard;
            const providers = await gatehouse.providers().catch(() => []);
            const providerLabel = providers.find((p) => p.name === guard.session.provider)?.label ?? null;
            return { session: guard.session, providerLabel };
          },
        },
        {
          path: 'sessions',
          lazy: async () => ({ Component: (await import('./pages/SessionsPage.tsx')).SessionsPage }),
          loader: async ({ request }): Promise<SessionsData> => {
            const guard = await gatehouse.requireSession(request);
            if (isSignInRequired(guard)) return guard;
            try {
              return { sessions: await client.listSessions() };
            } catch (error) {
              // The session ended meanwhile: the store knows it already; show the signed-out home.
              if (isUnauthenticated(error)) throw redirect('/');
              if (error instanceof GatehouseError && (error.status === 404 || error.status === 501)) {
                return { unavailable: true };
              }
              throw error;
            }
          },
        },
        { path: '*', element: <NotFoundPage /> },
      ],
    },
  ];
}
