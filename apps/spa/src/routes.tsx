import type { SessionInfo } from '@gatehouse/shared';
import { redirect, type RouteObject } from 'react-router-dom';
import { BffError, isUnauthenticated, type BffClient } from './api/bff.ts';
import { browser } from './lib/browser.ts';
import { AppContext, createProviderCache, createSessionStore, type AppServices } from './lib/app-context.ts';
import { loginSucceeded, mayRedirectToLogin } from './lib/login-redirect.ts';
import {
  isSignInRequired,
  messageOf,
  type DashboardData,
  type HomeData,
  type RootData,
  type SessionsData,
  type SignInRequired,
} from './lib/route-data.ts';
import { Layout, Loading } from './pages/Layout.tsx';
import { ErrorPage } from './pages/ErrorPage.tsx';
import { HomePage } from './pages/HomePage.tsx';
import { DashboardPage } from './pages/DashboardPage.tsx';
import { SessionsPage } from './pages/SessionsPage.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';

export function createRoutes(client: BffClient): RouteObject[] {
  const services: AppServices = {
    client,
    session: createSessionStore(client),
    providers: createProviderCache(client),
  };

  async function defaultProvider(): Promise<string | undefined> {
    try {
      const providers = await services.providers();
      return (providers.find((p) => p.available) ?? providers[0])?.name;
    } catch {
      return undefined; // the BFF picks its first provider
    }
  }

  /** The session, or — signed out — a full-page trip through the login that comes back to this URL. */
  async function requireSession(request: Request): Promise<SessionInfo | SignInRequired> {
    const session = await services.session.get();
    if (session) {
      loginSucceeded();
      return session;
    }
    const url = new URL(request.url);
    const loginUrl = client.loginUrl(await defaultProvider(), url.pathname + url.search);
    if (!mayRedirectToLogin()) return { signIn: 'loop', loginUrl };
    browser.assign(loginUrl);
    return { signIn: 'redirecting', loginUrl };
  }

  /** A 401 after the session was loaded: it expired or was revoked; show the signed-out home. */
  function signedOutRedirect(): Response {
    services.session.signedOut();
    return redirect('/');
  }

  return [
    {
      id: 'root',
      path: '/',
      element: (
        <AppContext.Provider value={services}>
          <Layout />
        </AppContext.Provider>
      ),
      errorElement: <ErrorPage />,
      HydrateFallback: Loading,
      // Reads the session loaded once; re-running it after a sign-out elsewhere in the app costs no request.
      shouldRevalidate: () => true,
      loader: async (): Promise<RootData> => {
        try {
          return { session: await services.session.get(), unavailable: null };
        } catch (error) {
          return { session: null, unavailable: messageOf(error) };
        }
      },
      children: [
        {
          index: true,
          element: <HomePage />,
          loader: async (): Promise<HomeData> => {
            const session = await services.session.get().catch(() => null);
            if (session) return { providers: [], providersError: null };
            try {
              return { providers: await services.providers(), providersError: null };
            } catch (error) {
              return { providers: [], providersError: messageOf(error) };
            }
          },
        },
        {
          path: 'dashboard',
          element: <DashboardPage />,
          loader: async ({ request }): Promise<DashboardData> => {
            const session = await requireSession(request);
            if (isSignInRequired(session)) return session;
            const providers = await services.providers().catch(() => []);
            const providerLabel = providers.find((p) => p.name === session.provider)?.label ?? null;
            return { session, providerLabel };
          },
        },
        {
          path: 'sessions',
          element: <SessionsPage />,
          loader: async ({ request }): Promise<SessionsData> => {
            const session = await requireSession(request);
            if (isSignInRequired(session)) return session;
            try {
              return { sessions: await client.listSessions() };
            } catch (error) {
              if (isUnauthenticated(error)) throw signedOutRedirect();
              if (error instanceof BffError && (error.status === 404 || error.status === 501)) {
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
