import type { Context } from 'koa';
import type { Logger } from 'pino';
import type { ClientRegistry, OAuth2Client } from './clients.ts';
import { readForm, single } from '../form.ts';
import type { GrantStore } from './grants.ts';
import { verifyPkce } from './pkce.ts';

/**
 * `POST /login/oauth/access_token`: the authorization code grant, answered in JSON like a GitHub OAuth app
 * (`access_token`, `token_type: "bearer"`, `scope`; no refresh token, no ID token). Clients authenticate with
 * HTTP Basic or with `client_id`/`client_secret` in the form, not both.
 */

export interface TokenDeps {
  clients: ClientRegistry;
  grants: GrantStore;
  logger: Logger;
}

class TokenError extends Error {
  constructor(
    readonly status: 400 | 401,
    readonly error: string,
    readonly description: string,
    readonly basic = false,
  ) {
    super(description);
  }
}

function decodeFormComponent(value: string): string {
  return decodeURIComponent(value.replaceAll('+', ' '));
}

/** RFC 6749 §2.3.1: Basic with the form-encoded id and secret. */
function basicCredentials(header: string): [string, string] {
  const match = /^Basic +([A-Za-z0-9+/]+=*) *$/i.exec(header);
  const decoded = match?.[1] ? Buffer.from(match[1], 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  if (colon < 1) throw new TokenError(401, 'invalid_client', 'malformed Basic credentials', true);
  try {
    return [decodeFormComponent(decoded.slice(0, colon)), decodeFormComponent(decoded.slice(colon + 1))];
  } catch {
    throw new TokenError(401, 'invalid_client', 'malformed Basic credentials', true);
  }
}

function authenticateClient(ctx: Context, form: URLSearchParams, clients: ClientRegistry): OAuth2Client {
  const header = ctx.get('authorization');
  const formId = single(form, 'client_id');
  const formSecret = single(form, 'client_secret');
  if (formId === undefined || formSecret === undefined) {
    throw new TokenError(400, 'invalid_request', 'client_id or client_secret is repeated');
  }
  let id: string;
  let secret: string;
  const basic = header !== '';
  if (basic) {
    if (formSecret !== null)
      throw new TokenError(400, 'invalid_request', 'use one client authentication method');
    [id, secret] = basicCredentials(header);
    if (formId !== null && formId !== id) throw new TokenError(400, 'invalid_request', 'client_id mismatch');
  } else {
    if (formId === null || formSecret === null) {
      throw new TokenError(401, 'invalid_client', 'client authentication is required');
    }
    [id, secret] = [formId, formSecret];
  }
  const client = clients.authenticate(id, secret);
  if (!client) throw new TokenError(401, 'invalid_client', 'client authentication failed', basic);
  return client;
}

export function accessToken(deps: TokenDeps) {
  const { grants, logger } = deps;

  function exchange(ctx: Context, form: URLSearchParams): Record<string, string> {
    const client = authenticateClient(ctx, form, deps.clients);
    const grantType = single(form, 'grant_type');
    if (!grantType) throw new TokenError(400, 'invalid_request', 'grant_type is required');
    if (grantType !== 'authorization_code') {
      throw new TokenError(400, 'unsupported_grant_type', 'only authorization_code is supported');
    }
    const code = single(form, 'code');
    const redirectUri = single(form, 'redirect_uri');
    const verifier = single(form, 'code_verifier');
    if (!code) throw new TokenError(400, 'invalid_request', 'code is required');
    if (redirectUri === undefined || verifier === undefined) {
      throw new TokenError(400, 'invalid_request', 'a parameter is repeated');
    }

    const taken = grants.takeCode(code);
    if (!taken) throw new TokenError(400, 'invalid_grant', 'the code is invalid or expired');
    const { grant, replayed } = taken;
    if (replayed) {
      if (grant.accessToken) grants.revokeToken(grant.accessToken);
      logger.warn({ clientId: client.clientId }, 'octo: authorization code replayed; its token is revoked');
      throw new TokenError(400, 'invalid_grant', 'the code was already used');
    }
    if (grant.clientId !== client.clientId) {
      throw new TokenError(400, 'invalid_grant', 'the code was issued to another client');
    }
    // Given at authorization: must be repeated exactly. Left out there: may be left out here too.
    if (
      grant.redirectUri !== null
        ? redirectUri !== grant.redirectUri
        : redirectUri !== null && !client.redirectUris.includes(redirectUri)
    ) {
      throw new TokenError(400, 'invalid_grant', 'redirect_uri does not match the authorization request');
    }
    if (grant.codeChallenge !== null) {
      if (!verifier || !verifyPkce(verifier, grant.codeChallenge)) {
        throw new TokenError(400, 'invalid_grant', 'PKCE verification failed');
      }
    } else if (verifier !== null) {
      // RFC 9700 §2.1.1: a verifier without a challenge is a downgrade attempt.
      throw new TokenError(400, 'invalid_grant', 'code_verifier without code_challenge');
    }

    const issued = grants.issueToken(grant);
    logger.info({ sub: grant.user.username, clientId: client.clientId }, 'octo: access token issued');
    return { access_token: issued.accessToken, token_type: 'bearer', scope: grant.scope };
  }

  return async (ctx: Context): Promise<void> => {
    ctx.set({ 'cache-control': 'no-store', pragma: 'no-cache' });
    try {
      const form = await readForm(ctx.req).catch((error: unknown) => {
        throw new TokenError(400, 'invalid_request', (error as Error).message);
      });
      ctx.body = exchange(ctx, form);
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      logger.info({ error: error.error, description: error.description }, 'octo: token request refused');
      ctx.status = error.status;
      if (error.basic) ctx.set('www-authenticate', 'Basic realm="octo"');
      ctx.body = { error: error.error, error_description: error.description };
    }
  };
}
