import { authorizationUrl } from './authorization-url.ts';
import { hashBinding } from './binding-hash.ts';
import { newLoginSecrets, pkceChallengeS256 } from './pkce.ts';
import { safeReturnTo } from '../security/return-to.ts';
import { newTransactionId } from '../session/keys.ts';
import type { LoginTransaction } from '../store/store.ts';
import type { SignInDeps } from './sign-in-deps.ts';
import { SignInError } from './sign-in-error.ts';

export interface BeginLoginInput {
  /** The provider's name; the first configured one when absent. */
  provider: string | undefined;
  /** The SPA origin the browser came from, where it lands again. */
  spaOrigin: string;
  /** The path asked for; anything but a same-site relative path falls back to `/`. */
  returnTo: unknown;
  /** `none`: a silent sign-in, which the provider answers without showing any page (`login_required` if it can't). */
  prompt?: 'none' | undefined;
  /** A step-up: the `acr` values and `maxAge` (seconds) the sign-in must prove; OpenID providers only. */
  stepUp?: { acr: string[] | null; maxAge: number | null } | undefined;
  /** Adds an account to the browser's (decision 027): the provider is asked to show its sign-in again. */
  addAccount?: boolean | undefined;
  /** The browser's current session, which a step-up upgrades instead of making a new one. */
  current?: { provider: string; sub: string } | null | undefined;
  /** This browser's binding value, asked for only once the provider is known to be reachable. */
  browserBinding: () => string;
}

export interface LoginStart {
  redirectUrl: URL;
  /** The transaction's id, which is also the `state` the provider sends back. */
  transactionId: string;
  transaction: LoginTransaction;
}

/**
 * Starts authorization code with PKCE (S256), state and (for providers that issue ID tokens) a nonce. The
 * transaction is stored under its state, bound to the browser, single-use and short-lived. Throws
 * `SignInError` `invalid_request` for an unknown provider, `provider_unavailable` when it cannot be reached.
 */
export async function beginLogin(deps: SignInDeps, input: BeginLoginInput): Promise<LoginStart> {
  const { providers, store, clock, policy } = deps;
  const { stepUp, current } = input;
  // A step-up signs in again with the session's own provider.
  const name = input.provider ?? (stepUp && current ? current.provider : undefined);
  const provider = name ? providers.get(name) : providers.default;
  if (!provider) throw new SignInError('invalid_request', `Unknown provider "${name!.slice(0, 64)}".`);
  if (stepUp && !provider.kind.issuesIdTokens) {
    throw new SignInError('invalid_request', `"acr" and "maxAge" need an OpenID provider.`);
  }
  if (stepUp && current && current.provider !== provider.name) {
    throw new SignInError('invalid_request', 'A step-up signs in again with the session’s own provider.');
  }
  const configuration = await provider.getConfiguration();

  const secrets = newLoginSecrets();
  const now = clock();
  const transactionId = newTransactionId();
  const transaction: LoginTransaction = {
    provider: provider.name,
    browserBinding: hashBinding(input.browserBinding()),
    codeVerifier: secrets.codeVerifier,
    nonce: provider.kind.issuesIdTokens ? secrets.nonce : null,
    returnTo: `${input.spaOrigin}${safeReturnTo(input.returnTo)}`,
    createdAt: now,
    ...(stepUp ? { stepUp: { ...stepUp, upgradeOf: current?.sub ?? null } } : {}),
    ...(input.addAccount ? { addAccount: true as const } : {}),
  };
  await store.putTransaction(transactionId, transaction, now + policy.transactionTtlMs);

  const parameters: Record<string, string> = {
    ...provider.authorizationParams,
    redirect_uri: policy.redirectUri,
    response_type: 'code',
    code_challenge: pkceChallengeS256(transaction.codeVerifier),
    code_challenge_method: 'S256',
    state: transactionId,
  };
  if (provider.scopes.length > 0) parameters.scope = provider.scopes.join(' ');
  if (transaction.nonce) parameters.nonce = transaction.nonce;
  if (input.prompt) parameters.prompt = input.prompt;
  // Without it, a provider that still has a session signs the same user in again, with no page to choose.
  else if (input.addAccount && provider.kind.issuesIdTokens) parameters.prompt = 'login';
  if (stepUp?.acr) parameters.acr_values = stepUp.acr.join(' ');
  if (stepUp && stepUp.maxAge !== null) parameters.max_age = String(stepUp.maxAge);
  // offline_access needs prompt=consent at some providers; the dev IdP grants first-party clients silently.
  const redirectUrl = await authorizationUrl(provider, configuration, parameters, deps.logger);
  return { redirectUrl, transactionId, transaction };
}
