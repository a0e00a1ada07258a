import type { Context } from 'koa';
import type { DemoUser } from '../users.ts';
import type { GrantStore } from './grants.ts';

/** GitHub's REST user object, reduced to what relying parties read. */
export interface OctoUser {
  id: number;
  login: string;
  name: string;
  email: string;
  avatar_url: string | null;
}

/** One entry of GitHub's `GET /user/emails`. */
export interface OctoEmail {
  email: string;
  primary: boolean;
  verified: boolean;
  visibility: 'private' | 'public' | null;
}

/** Numeric ids like GitHub's: 1001 for the first configured user (alice), 1002 for the next (bob), … */
export function octoUsers(users: readonly DemoUser[]): Map<string, OctoUser> {
  return new Map(
    users.map((user, index) => [
      user.username,
      {
        id: 1001 + index,
        login: user.username,
        name: user.name,
        email: user.email,
        avatar_url: user.picture ?? null,
      },
    ]),
  );
}

/** A user's addresses as `GET /user/emails` lists them: the configured one is primary, verified unless marked. */
export function octoEmails(users: readonly DemoUser[]): Map<string, OctoEmail[]> {
  return new Map(
    users.map((user) => [
      user.username,
      [
        { email: user.email, primary: true, verified: user.emailVerified ?? true, visibility: 'private' },
        // A secondary address nobody verified: a relying party that took any listed email would be fooled.
        { email: `${user.username}@unverified.test`, primary: false, verified: false, visibility: null },
      ],
    ]),
  );
}

// GitHub accepts both `Bearer` and its older `token` scheme.
const AUTHORIZATION = /^(?:Bearer|token) +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * `GET /user` (the user object) or `GET /user/emails` (their addresses) for a valid access token; 401
 * otherwise.
 */
export function userEndpoint<T>(grants: GrantStore, users: Map<string, T>) {
  return (ctx: Context): void => {
    ctx.set('cache-control', 'no-store');
    const header = ctx.get('authorization');
    const token = AUTHORIZATION.exec(header)?.[1];
    const grant = token ? grants.findToken(token) : undefined;
    const user = grant ? users.get(grant.user.username) : undefined;
    if (!grant || !user) {
      ctx.status = 401;
      ctx.set('www-authenticate', header ? 'Bearer error="invalid_token"' : 'Bearer realm="octo"');
      ctx.body = { error: 'invalid_token', message: header ? 'Bad credentials' : 'Requires authentication' };
      return;
    }
    ctx.set('x-oauth-scopes', grant.scope.split(',').join(', '));
    ctx.body = user;
  };
}
