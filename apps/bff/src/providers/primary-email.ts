import * as oidc from 'openid-client';

/**
 * GitHub-like providers: `GET /user` shows a public address nobody vouches for (or none); the addresses the
 * provider verified are listed apart (`GET /user/emails`). Only the primary one, and only if verified, counts.
 * Answers null when the user has none such.
 */
export async function primaryVerifiedEmail(
  configuration: oidc.Configuration,
  accessToken: string,
  endpoint: string,
): Promise<string | null> {
  const response = await oidc.fetchProtectedResource(
    configuration,
    accessToken,
    new URL(endpoint),
    'GET',
    undefined,
    new Headers({ accept: 'application/json' }),
  );
  if (!response.ok) throw new Error(`the emails endpoint answered ${response.status}`);
  const body: unknown = await response.json();
  if (!Array.isArray(body)) throw new Error('the emails endpoint answered no list');
  const primary = body.find(
    (entry: unknown): entry is { email: string } =>
      typeof entry === 'object' &&
      entry !== null &&
      (entry as { primary?: unknown }).primary === true &&
      (entry as { verified?: unknown }).verified === true &&
      typeof (entry as { email?: unknown }).email === 'string',
  );
  return primary?.email ?? null;
}
