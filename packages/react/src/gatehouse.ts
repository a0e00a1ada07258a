import type { ProviderSummary, SessionInfo } from '@gatehouse/shared';
import { createGatehouseClient, type GatehouseClient, type GatehouseClientOptions } from './client.ts';
import { loginSucceeded, mayRedirectToLogin } from './login-loop.ts';
import { createSessionStore, type SessionStore, type SessionStoreOptions } from './session-store.ts';

/** A protected route without a session: the browser is on its way to the login (or a loop was stopped). */
export interface SignInRequired {
  signIn: 'redirecting' | 'loop';
  loginUrl: string;
}

export type GuardResult = { session: SessionInfo } | SignInRequired;

export function isSignInRequired(value: object): value is SignInRequired {
  return 'signIn' in value;
}

/** One app's connection to its BFF: the typed client, the page's session, and the providers list. */
export interface Gatehouse {
  client: GatehouseClient;
  session: SessionStore;
  /** `GET /auth/providers`, fetched at most once per page (it only changes with the BFF's configuration). */
  providers(): Promise<ProviderSummary[]>;
  /**
   * For a protected route's loader (react-router data routers, or any router): the session, or — signed
   * out — a full-page trip through the login that comes back to `request`'s URL. Stops after a few trips in
   * a row that bring no session (cookies blocked) and answers `{signIn: 'loop'}` instead.
   */
  requireSession(request: Request, options?: { provider?: string }): Promise<GuardResult>;
}

export type GatehouseOptions = GatehouseClientOptions & SessionStoreOptions;

export function createGatehouse(options: GatehouseOptions): Gatehouse {
  const client = createGatehouseClient(options);
  const session = createSessionStore(client, options);
  const navigate = options.navigate ?? ((url: string) => window.location.assign(url));
  let providerList: Promise<ProviderSummary[]> | undefined;

  function providers(): Promise<ProviderSummary[]> {
    providerList ??= client.getProviders().catch((error: unknown) => {
      providerList = undefined;
      throw error;
    });
    return providerList;
  }

  async function defaultProvider(): Promise<string | undefined> {
    try {
      const list = await providers();
      return (list.find((p) => p.available) ?? list[0])?.name;
    } catch {
      return undefined; // the BFF picks its first provider
    }
  }

  return {
    client,
    session,
    providers,
    async requireSession(request, { provider } = {}) {
      const current = await session.load({ protectedRoute: true });
      if (current) {
        loginSucceeded();
        return { session: current };
      }
      const url = new URL(request.url);
      const loginUrl = client.loginUrl(provider ?? (await defaultProvider()), url.pathname + url.search);
      if (!mayRedirectToLogin()) return { signIn: 'loop', loginUrl };
      navigate(loginUrl);
      return { signIn: 'redirecting', loginUrl };
    },
  };
}
