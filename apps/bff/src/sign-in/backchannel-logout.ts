import { decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import { isFirstUseOfLogoutToken } from './logout-token-replay.ts';
import type { Provider } from '../providers/provider.ts';
import type { SignInDeps } from './sign-in-deps.ts';
import { SignInError } from './sign-in-error.ts';

const LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
const CLOCK_TOLERANCE_S = 30;
const MAX_TOKEN_AGE_S = 600;

class InvalidLogoutToken extends Error {}

const refused = (): SignInError => new SignInError('invalid_logout_token', 'The logout token is not valid.');

/**
 * The logout token is validated like an ID token — signature with the provider's keys and the pinned alg, iss,
 * aud, iat, exp — plus the logout-specific rules: the event claim, `sub` or `sid`, no nonce.
 */
async function verify(
  deps: Pick<SignInDeps, 'providers' | 'clock'>,
  token: string,
): Promise<{ provider: Provider; claims: JWTPayload }> {
  let unverified: JWTPayload;
  try {
    unverified = decodeJwt(token);
  } catch {
    throw new InvalidLogoutToken('not a JWT');
  }
  const issuer = unverified.iss;
  const provider = deps.providers.providers.find(
    (p) => typeof issuer === 'string' && p.kind.logoutTokenIssuer(p.config) === issuer,
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

/**
 * OpenID Connect Back-Channel Logout 1.0 (§2.6): the provider tells us a user's session ended there. Destroys
 * the sessions the token names (by `sid`, else every session of `sub` at that provider). Throws `SignInError`
 * `invalid_logout_token` for a token that fails validation or was seen before.
 */
export async function backchannelLogout(
  deps: Pick<SignInDeps, 'providers' | 'store' | 'clock' | 'logger'>,
  logoutToken: string,
): Promise<{ provider: string; endedKeys: string[] }> {
  let verified: { provider: Provider; claims: JWTPayload };
  try {
    verified = await verify(deps, logoutToken);
  } catch (error) {
    if (error instanceof InvalidLogoutToken) {
      deps.logger.warn({ reason: error.message }, 'back-channel logout refused');
      throw refused();
    }
    throw error;
  }
  const { provider, claims } = verified;
  const acceptWindowMs = (MAX_TOKEN_AGE_S + 2 * CLOCK_TOLERANCE_S) * 1000;
  if (!(await isFirstUseOfLogoutToken(deps.store, provider.name, claims.jti!, acceptWindowMs))) {
    deps.logger.warn({ provider: provider.name, reason: 'replayed jti' }, 'back-channel logout refused');
    throw refused();
  }
  const sid = typeof claims.sid === 'string' ? claims.sid : null;
  const sessions =
    typeof claims.sub === 'string'
      ? await deps.store.listByUser(provider.name, claims.sub)
      : await deps.store.listBySid(provider.name, sid!);
  const doomed = sessions.filter(([, session]) => sid === null || session.sid === sid);
  await Promise.all(doomed.map(([key]) => deps.store.destroy(key)));
  deps.logger.info({ provider: provider.name, removed: doomed.length }, 'back-channel logout');
  return { provider: provider.name, endedKeys: doomed.map(([key]) => key) };
}
