import { bodyParser } from '@koa/bodyparser';
import type { Middleware } from 'koa';
import type { AppDeps } from '../deps.ts';
import { invalidRequest } from '../http/errors.ts';
import { backchannelLogout as endSessions } from '../sign-in/backchannel-logout.ts';
import { sessionEnded } from '../events/session-event.ts';

/** `POST /auth/backchannel-logout`: a form-encoded `logout_token` handed to the core; 200 with no body. */
export function backchannelLogout(deps: AppDeps): Middleware[] {
  const handler: Middleware = async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    const body = ctx.request.body as Record<string, unknown> | undefined;
    const token = body?.logout_token;
    if (!ctx.is('application/x-www-form-urlencoded') || typeof token !== 'string' || token.length > 16_384) {
      throw invalidRequest('Send one logout_token, form-encoded.');
    }
    const { endedKeys } = await endSessions(deps, token);
    await Promise.all(endedKeys.map((key) => deps.events?.publish(key, sessionEnded('provider_logout'))));
    ctx.status = 200;
    ctx.body = '';
  };
  return [bodyParser({ enableTypes: ['form'], formLimit: '32kb', encoding: 'utf-8' }), handler];
}
