import type { ClientRegistry, OAuth2Client } from './clients.ts';
import { single } from '../form.ts';
import { CODE_CHALLENGE } from './pkce.ts';

/**
 * Validation of an authorization request (`GET /login/oauth/authorize`, and again when the sign-in form
 * comes back with the same parameters). RFC 6749 §4.1.2.1: while the client or the redirect URI is in doubt
 * the user sees an error page and is never redirected; after that, errors go back to the client.
 */

export interface AuthorizationRequest {
  client: OAuth2Client;
  /** Where the answer goes: the given redirect_uri, or the only registered one when none was given. */
  redirectUri: string;
  /** Whether redirect_uri was given, and so must be repeated at the token endpoint. */
  redirectUriGiven: boolean;
  state: string | null;
  /** Granted scopes, GitHub-style: comma-separated, in request order, without duplicates. */
  scope: string;
  codeChallenge: string | null;
  /** The parameters as received, to carry through the sign-in form. */
  params: [string, string][];
}

export type ParsedAuthorizationRequest =
  | { ok: true; request: AuthorizationRequest }
  /** Shown on the provider's own page: the client or the redirect URI cannot be trusted. */
  | { ok: false; page: string }
  /** Sent back to the client's redirect URI. */
  | { ok: false; redirectUri: string; state: string | null; error: string; description: string };

export const AUTHORIZATION_PARAMS = [
  'client_id',
  'redirect_uri',
  'response_type',
  'state',
  'scope',
  'code_challenge',
  'code_challenge_method',
] as const;

const SCOPE_TOKEN = /^[\x21\x23-\x2b\x2d-\x5b\x5d-\x7e]+$/; // RFC 6749 scope-token, without the comma
const MAX_STATE = 1024;
const MAX_SCOPES = 20;

export function parseAuthorizationRequest(
  params: URLSearchParams,
  clients: ClientRegistry,
): ParsedAuthorizationRequest {
  const clientId = single(params, 'client_id');
  const client = clientId ? clients.find(clientId) : undefined;
  if (!client)
    return { ok: false, page: 'The application is not registered with this provider (client_id).' };

  const given = single(params, 'redirect_uri');
  if (given === undefined) return { ok: false, page: 'The redirect_uri parameter is repeated.' };
  const only = client.redirectUris.length === 1 ? client.redirectUris[0] : undefined;
  const redirectUri = given === null ? only : client.redirectUris.find((uri) => uri === given);
  if (!redirectUri) {
    return {
      ok: false,
      page:
        given === null
          ? 'The redirect_uri parameter is required for this application.'
          : 'The redirect_uri is not registered for this application.',
    };
  }

  const state = single(params, 'state');
  const refuse = (error: string, description: string): ParsedAuthorizationRequest => ({
    ok: false,
    redirectUri,
    state: typeof state === 'string' ? state.slice(0, MAX_STATE) : null,
    error,
    description,
  });
  for (const name of AUTHORIZATION_PARAMS) {
    if (single(params, name) === undefined) return refuse('invalid_request', `${name} is repeated`);
  }
  if (state && state.length > MAX_STATE) return refuse('invalid_request', 'state is too long');

  const responseType = single(params, 'response_type');
  if (responseType && responseType !== 'code') {
    return refuse('unsupported_response_type', 'only response_type=code is supported');
  }

  const scopes = [...new Set((single(params, 'scope') ?? '').split(/[\s,]+/).filter(Boolean))];
  if (scopes.length > MAX_SCOPES || scopes.some((scope) => !SCOPE_TOKEN.test(scope))) {
    return refuse('invalid_scope', 'the scope parameter is not valid');
  }

  const codeChallenge = single(params, 'code_challenge') ?? null;
  const method = single(params, 'code_challenge_method');
  if (codeChallenge === null && method) {
    return refuse('invalid_request', 'code_challenge_method without code_challenge');
  }
  if (codeChallenge !== null) {
    if ((method ?? 'plain') !== 'S256') {
      return refuse('invalid_request', 'only code_challenge_method=S256 is supported');
    }
    if (!CODE_CHALLENGE.test(codeChallenge)) return refuse('invalid_request', 'code_challenge is not valid');
  }

  const received: [string, string][] = [];
  for (const name of AUTHORIZATION_PARAMS) {
    const value = single(params, name);
    if (value) received.push([name, value]);
  }
  return {
    ok: true,
    request: {
      client,
      redirectUri,
      redirectUriGiven: given !== null,
      state: state ?? null,
      scope: scopes.join(','),
      codeChallenge,
      params: received,
    },
  };
}

/** `redirect_uri` with the given parameters added to whatever query it has. */
export function redirectTo(redirectUri: string, params: Record<string, string | null>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params))
    if (value !== null) url.searchParams.append(name, value);
  return url.href;
}
