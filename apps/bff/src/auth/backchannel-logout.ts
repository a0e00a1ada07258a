import { bodyParser } from '@koa/bodyparser';
import { decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import type { Middleware } from 'koa';
import type { AppDeps } from '../deps.ts';
import { HttpError } from '../http/errors.ts';
import type { Provider } from '../providers/provider.ts';
import { isFirstUseOfLogoutToken } from './logout-token-replay.ts';
import { sessionEnded } from '../events/session-event.ts';

const LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
const CLOCK_TOLERANCE_S = 30;
const MAX_TOKEN_AGE_S = 600;

class InvalidLogoutToken extends Error {}

const refuse = (message: string): HttpError =>
  new HttpError(400, 'invalid_request', message, { 'Cache-Control': 'no-store' });

/**
 * `POST /auth/backchannel-logout` (OpenID Connect Back-Channel Logout 1.0, §2.6): the provider tells us a user's
 * session ended there. The logout token is validated like an ID token — signature with the provider's keys and
 * the pinned alg, iss, aud, iat, exp — plus the logout-specific rules: the event claim, `sub` or `sid`, no nonce.
 */
export function backchannelLogout(deps: AppDeps): Middleware[] {
  async function verify(token: string): Promise<{ provider: Provider; claims: JWTPayload }> {
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(token);
    } catch {
      throw new InvalidLogoutToken('not a JWT');
    }
    const provider = deps.providers.providers.find(
      (p) => p.kind === 'oidc' && p.config.issuer === unverified.iss,
    );
    if (!provider) throw new InvalidLogoutToken('unknown issuer');
    await provider.getConfiguration();
    const metadata = provider.serverMetadata();
    let jwks: ReturnType<Provider['signingKeys']>;
    try {
      jwks = provider.signingKeys();
    } catch (error) {
      throw new InvalidLogoutToken((error as Error).message);
    }
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      issuer: metadata.issuer,
      audience: provider.config.clientId,
      algorithms: [provider.idTokenAlg],
      requiredClaims: ['iat', 'exp', 'jti'],
      currentDate: new Date(deps.clock()),
      clockTolerance: CLOCK_TOLERANCE_S,
      maxTokenAge: MAX_TOKEN_AGE_S,
    }).catch((error: unknown) => {
      throw new InvalidLogoutToken((error as Error).message);
    });
    if (protectedHeader.typ !== undefined && protectedHeader.typ.toLowerCase() !== 'logout+jwt') {
      throw new InvalidLogoutToken('wrong typ');
    }
    const events = payload.events as Record<string, unknown> | undefined;
    const event = events?.[LOGOUT_EVENT];
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      throw new InvalidLogoutToken('no back-channel logout event');
    }
    if (payload.nonce !== undefined) throw new InvalidLogoutToken('a logout token must not carry a nonce');
    if (typeof payload.sub !== 'string' && typeof payload.sid !== 'string') {
      throw new InvalidLogoutToken('neither sub nor sid');
    }
    // A malformed sid must not widen the logout to every session of sub (nor a malformed sub to a sid).
    for (const claim of ['sub', 'sid', 'jti'] as const) {
      if (payload[claim] !== undefined && (typeof payload[claim] !== 'string' || payload[claim] === '')) {
        throw new InvalidLogoutToken(`${claim} is not a string`);
      }
    }
    return { provider, claims: payload };
  }

  const handler: Middleware = async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    const body = ctx.request.body as Record<string, unknown> | undefined;
    const token = body?.logout_token;
    if (!ctx.is('application/x-www-form-urlencoded') || typeof token !== 'string' || token.length > 16_384) {
      throw refuse('Send one logout_token, form-encoded.');
    }
    let verified: { provider: Provider; claims: JWTPayload };
    try {
      verified = await verify(token);
    } catch (error) {
      if (error instanceof InvalidLogoutToken) {
        deps.logger.warn({ reason: error.message }, 'back-channel logout refused');
        throw refuse('The logout token is not valid.');
      }
      throw error;
    }
    const { provider, claims } = verified;
    const acceptWindowMs = (MAX_TOKEN_AGE_S + 2 * CLOCK_TOLERANCE_S) * 1000;
    if (!(await isFirstUseOfLogoutToken(deps.store, provider.name, claims.jti!, acceptWindowMs))) {
      deps.logger.warn({ provider: provider.name, reason: 'replayed jti' }, 'back-channel logout refused');
      throw refuse('The logout token is not valid.');
    }
    const sid = typeof claims.sid === 'string' ? claims.sid : null;
    const sessions =
      typeof claims.sub === 'string'
        ? await deps.store.listByUser(provider.name, claims.sub)
        : await deps.store.listBySid(provider.name, sid!);
    const doomed = sessions.filter(([, session]) => sid === null || session.sid === sid);
    await Promise.all(doomed.map(([key]) => deps.store.destroy(key)));
    await Promise.all(doomed.map(([key]) => deps.events?.publish(key, sessionEnded('provider_logout'))));
    deps.logger.info({ provider: provider.name, removed: doomed.length }, 'back-channel logout');
    ctx.status = 200;
    ctx.body = '';
  };

  return [bodyParser({ enableTypes: ['form'], formLimit: '32kb', encoding: 'utf-8' }), handler];
}
