import type { LogoutResponse } from '@gatehouse/shared';
import type { Middleware } from 'koa';
import type { AppDeps } from '../deps.ts';
import { sessionEnded } from '../events/session-event.ts';
import { spaOriginFor } from '../security/spa-origin.ts';
import { currentSession } from '../session/session-cookie.ts';
import type { StoredSession } from '../session/store.ts';
import { openTokens } from '../session/tokens.ts';

/**
 * `POST /auth/logout`: the session is destroyed in the store and its cookie cleared before anything else can
 * fail; then the browser is told where to go — the provider's end-session endpoint (RP-initiated logout)
 * where there is one, else the SPA's home.
 */
export function logout(deps: AppDeps): Middleware {
  const { config } = deps;
  return async (ctx) => {
    const home = `${spaOriginFor(ctx, config.spaOrigins)}/`;
    const current = currentSession(ctx);
    ctx.session = null;
    if (current) await deps.events?.publish(current.key, sessionEnded('signed_out'));
    const body: LogoutResponse = {
      redirectTo: current ? await endSessionUrl(deps, current.session, home) : home,
    };
    ctx.body = body;
  };
}

async function endSessionUrl(deps: AppDeps, session: StoredSession, home: string): Promise<string> {
  const provider = deps.providers.get(session.provider);
  if (!provider) return home;
  try {
    const configuration = await provider.getConfiguration();
    const endpoint = provider.endSessionEndpoint(configuration);
    if (!endpoint) return home;
    const url = new URL(endpoint);
    const { idToken } = openTokens(deps.cipher, session.tokens, session.provider, session.user.sub);
    if (idToken) url.searchParams.set('id_token_hint', idToken);
    url.searchParams.set('post_logout_redirect_uri', home);
    url.searchParams.set('client_id', provider.config.clientId);
    return url.href;
  } catch (error) {
    // The local session is gone already; a provider we cannot reach only means no single sign-out there.
    deps.logger.warn({ provider: session.provider, errorName: (error as Error).name }, 'no end-session URL');
    return home;
  }
}
