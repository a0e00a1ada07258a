import type { ErrorCode } from '@gatehouse/shared';
import * as oidc from 'openid-client';
import { hashBinding } from './binding-hash.ts';
import { idTokenIatProblem } from './id-token-freshness.ts';
import type { GrantedTokens, LoadedUser } from '../providers/provider-kind.ts';
import { newSession } from '../session/lifetime.ts';
import type { StoredSession } from '../store/store.ts';
import { dpopHandle, newDpopKey } from '../tokens/dpop-key.ts';
import { sealTokens, tokenSetFrom } from '../tokens/sealed-tokens.ts';
import { decideSignIn, type RefusalReason } from './allow-policy.ts';
import { pickSessionClaims } from './session-claims.ts';
import type { SignInDeps } from './sign-in-deps.ts';
import { SignInError } from './sign-in-error.ts';
import { subjectHash } from './sign-in-refusals.ts';
import { authenticationOf, stepUpProblem } from './step-up.ts';
import { revokeTokens } from './token-revocation.ts';

const WELL_FORMED_STATE = /^[A-Za-z0-9_-]{43}$/;

export interface FinishLoginInput {
  /** The callback's `state` parameter, as received (anything but one well-formed value is refused). */
  state: unknown;
  /** The callback's whole query string, for openid-client to check (`code`, `state`, `iss`, errors). */
  query: string;
  /** This browser's binding value, or null when it sent none. */
  browserBinding: string | null;
  userAgent: string | null;
  /** The browser's current session, which a step-up of the same user upgrades instead of replacing. */
  current?: StoredSession | null;
}

export type LoginFailureCode = Extract<
  ErrorCode,
  'access_denied' | 'login_failed' | 'login_required' | 'provider_unavailable'
>;

/** What a provider answers a silent sign-in (`prompt=none`) it cannot complete without showing a page. */
const NEEDS_INTERACTION = new Set([
  'login_required',
  'interaction_required',
  'consent_required',
  'account_selection_required',
]);

export type LoginOutcome =
  | {
      ok: true;
      provider: string;
      session: StoredSession;
      returnTo: URL;
      /** The browser's session was stepped up: same user, same provider, its lifetimes kept. */
      upgraded: boolean;
      /** The login asked to add an account to the browser's (`addAccount=1`). */
      addAccount: boolean;
    }
  | {
      ok: false;
      provider: string;
      code: LoginFailureCode;
      /** For the log, never for the browser. */
      reason: string;
      error?: unknown;
      /** Set when the provider's `allow` rules turned the user away: why, and whom (a hash, never an email). */
      refusal?: { reason: RefusalReason; subject: string };
      /** The SPA's home with the error code, at the origin the login started from. */
      returnTo: URL;
    };

type LoginFailure = Extract<LoginOutcome, { ok: false }>;

/**
 * Finishes the flow. The transaction is taken (and so deleted) before anything else; openid-client then checks
 * state, RFC 9207 `iss`, PKCE, the ID token's alg (pinned), iss, aud, exp and nonce, and the UserInfo `sub`; the
 * provider checks the ID token's signature against its published keys. Only then is a brand-new session built
 * (the caller stores it under a new id). Throws `SignInError` `invalid_request` when there is no valid
 * transaction at all; every later failure is an outcome with a code the SPA knows how to explain.
 */
export async function finishLogin(deps: SignInDeps, input: FinishLoginInput): Promise<LoginOutcome> {
  const { providers, store, clock, cipher, policy } = deps;
  const { state } = input;
  if (typeof state !== 'string' || !WELL_FORMED_STATE.test(state)) {
    throw new SignInError(
      'invalid_request',
      'The sign-in response carries no valid state. Start the sign-in again.',
    );
  }
  const tx = await store.takeTransaction(state);
  if (!tx) {
    throw new SignInError(
      'invalid_request',
      'This sign-in is unknown, expired or already used. Start the sign-in again.',
    );
  }
  const fail = (code: LoginFailureCode, reason: string, error?: unknown): LoginFailure => ({
    ok: false,
    provider: tx.provider,
    code,
    reason,
    ...(error === undefined ? {} : { error }),
    returnTo: new URL(`/?error=${code}`, tx.returnTo),
  });

  if (!input.browserBinding || hashBinding(input.browserBinding) !== tx.browserBinding) {
    return fail('login_failed', 'the transaction belongs to another browser');
  }
  const provider = providers.get(tx.provider);
  if (!provider) return fail('login_failed', 'the provider is no longer configured');
  let configuration: oidc.Configuration;
  try {
    configuration = await provider.getConfiguration();
  } catch (error) {
    return fail('provider_unavailable', 'the provider is unavailable', error);
  }

  const currentUrl = new URL(policy.redirectUri);
  currentUrl.search = input.query;
  const idTokens = provider.kind.issuesIdTokens;
  // A provider configured for DPoP binds the session's tokens to a key pair made for this session alone.
  const dpopKey = provider.config.dpop ? await newDpopKey() : undefined;
  const dpop = dpopKey ? await dpopHandle(configuration, dpopKey) : undefined;
  let tokens: GrantedTokens;
  try {
    tokens = await oidc.authorizationCodeGrant(
      configuration,
      currentUrl,
      {
        pkceCodeVerifier: tx.codeVerifier,
        expectedState: state,
        ...(idTokens ? { expectedNonce: tx.nonce ?? undefined, idTokenExpected: true } : {}),
      },
      undefined,
      dpop ? { DPoP: dpop } : undefined,
    );
    if (tokens.id_token) await provider.verifyIdTokenSignature(tokens.id_token);
  } catch (error) {
    const answer = error instanceof oidc.AuthorizationResponseError ? error.error : null;
    const code =
      answer === 'access_denied'
        ? 'access_denied'
        : answer && NEEDS_INTERACTION.has(answer)
          ? 'login_required'
          : 'login_failed';
    return fail(code, 'the authorization response or code exchange was refused', error);
  }

  if (idTokens) {
    const problem = idTokenIatProblem(tokens.claims()?.iat, deps.providerClock(), {
      toleranceSeconds: 60,
      maxAgeSeconds: policy.transactionTtlMs / 1000,
    });
    if (problem) return fail('login_failed', problem);
    if (tx.stepUp) {
      const refused = stepUpProblem(tokens.claims() ?? {}, tx.stepUp, deps.providerClock());
      if (refused) return fail('login_failed', `step-up refused: ${refused}`);
    }
  }

  let loaded: LoadedUser;
  try {
    loaded = await provider.loadUser(configuration, tokens, dpop);
  } catch (error) {
    return fail('login_failed', 'the user info could not be loaded', error);
  }

  // Before any session exists: a refused user gets no cookie, and the tokens they were issued are revoked.
  const decision = decideSignIn({ ...loaded.user, claims: loaded.claims }, provider.config.allow);
  if (!decision.allowed) {
    deps.metrics?.signInRefusals.count(provider.name, decision.reason);
    void revokeTokens(deps, provider.name, () => ({
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token ?? null,
    }));
    return {
      ...fail('access_denied', 'sign-in refused by the allow rules'),
      refusal: { reason: decision.reason, subject: subjectHash(provider.name, loaded.user.sub) },
    };
  }

  const upgradeOf = tx.stepUp?.upgradeOf;
  if (upgradeOf && upgradeOf !== loaded.user.sub) {
    return fail('login_failed', 'step-up refused: another user signed in at the provider');
  }

  const now = clock();
  const tokenSet = { ...tokenSetFrom(tokens, now), ...(dpopKey ? { dpopKey } : {}) };
  const signedIn = {
    user: loaded.user,
    sid: loaded.sid,
    tokens: sealTokens(cipher, tokenSet, provider.name, loaded.user.sub),
    accessTokenExpiresAt: tokenSet.expiresAt,
    claims: pickSessionClaims(loaded.claims, provider.config.sessionClaims),
    ...(idTokens ? authenticationOf(tokens.claims()) : {}),
  };
  const { current } = input;
  const addAccount = tx.addAccount === true;
  if (upgradeOf && current?.provider === provider.name && current.user.sub === upgradeOf) {
    // The same session, proven again: its creation and lifetimes stay, what the sign-in proved is new.
    const session: StoredSession = { ...current, ...signedIn, lastSeenAt: now };
    return {
      ok: true,
      provider: provider.name,
      session,
      returnTo: new URL(tx.returnTo),
      upgraded: true,
      addAccount,
    };
  }
  const session = newSession(
    { provider: provider.name, userAgent: input.userAgent, ...signedIn },
    now,
    policy.session,
  );
  return {
    ok: true,
    provider: provider.name,
    session,
    returnTo: new URL(tx.returnTo),
    upgraded: false,
    addAccount,
  };
}
