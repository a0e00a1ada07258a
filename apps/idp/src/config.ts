import type { ClientMetadata } from 'oidc-provider';
import { ConfigError, parseEnv } from '@gatehouse/shared/server';
import { z } from 'zod';
import { ACR } from './acr.ts';

/**
 * The dev IdP's operator interface: the environment variables it reads, parsed once at start-up.
 * Only `server.ts` calls `loadConfig`; the rest of the package receives plain options.
 */

export { ConfigError };

export const DEFAULT_API_AUDIENCE = 'http://localhost:4100';

const port = z.coerce.number().int().min(0).max(65535);
const seconds = z.coerce.number().int().positive();
const httpUrl = z.url({ protocol: /^https?$/ });
const origin = z.string().transform((value, ctx) => {
  const url = URL.parse(value);
  if (
    !url ||
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.origin !== value.replace(/\/$/, '')
  ) {
    ctx.addIssue({ code: 'custom', message: `"${value}" must be an origin such as http://localhost:5173` });
    return z.NEVER;
  }
  return url.origin;
});

const EnvSchema = z.object({
  IDP_PORT: port.default(4000),
  BFF_PORT: port.default(3000),
  SPA_PORT: port.default(5173),
  // An issuer with a path would need the provider mounted under that path; the dev IdP serves from the root.
  IDP_ISSUER: httpUrl
    .refine((value) => URL.parse(value)?.pathname === '/' && !value.endsWith('/'), {
      message: 'must be an origin without a path or trailing slash, such as http://localhost:4000',
    })
    .optional(),
  PUBLIC_BFF_URL: httpUrl.transform((value) => value.replace(/\/+$/, '')).optional(),
  SPA_ORIGINS: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean),
    )
    .pipe(z.array(origin).min(1, 'at least one origin is required'))
    .optional(),
  DEV_CLIENT_ID: z.string().min(1).default('gatehouse'),
  DEV_CLIENT_SECRET: z.string().min(1).default('gatehouse-dev-secret'),
  IDP_ACCESS_TOKEN_TTL: seconds.default(3600),
  // The notes API's own origin by default, so that moving it with API_PORT keeps its tokens valid.
  API_PORT: port.default(4100),
  IDP_API_AUDIENCE: httpUrl.optional(),
  IDP_USERS_FILE: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface IdpConfig {
  port: number;
  issuer: string;
  publicBffUrl: string;
  spaOrigins: string[];
  clientId: string;
  clientSecret: string;
  accessTokenTtl: number;
  apiAudience: string;
  usersFile: string | undefined;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
}

/**
 * Parses the environment; throws a `ConfigError` naming every invalid variable. Empty values count as unset,
 * so `IDP_PORT= pnpm start` means "the default", as it does in most shells' `.env` conventions.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): IdpConfig {
  const e = parseEnv(EnvSchema, env);
  return {
    port: e.IDP_PORT,
    issuer: e.IDP_ISSUER ?? `http://localhost:${e.IDP_PORT}`,
    publicBffUrl: e.PUBLIC_BFF_URL ?? `http://localhost:${e.BFF_PORT}`,
    spaOrigins: e.SPA_ORIGINS ?? [`http://localhost:${e.SPA_PORT}`],
    clientId: e.DEV_CLIENT_ID,
    clientSecret: e.DEV_CLIENT_SECRET,
    accessTokenTtl: e.IDP_ACCESS_TOKEN_TTL,
    apiAudience: e.IDP_API_AUDIENCE ?? `http://localhost:${e.API_PORT}`,
    usersFile: e.IDP_USERS_FILE,
    logLevel: e.LOG_LEVEL,
  };
}

export interface FirstPartyClientOptions {
  clientId: string;
  clientSecret: string;
  /** The BFF's public base URL, e.g. `http://localhost:3000`. */
  publicBffUrl: string;
  /** The SPA origins; each gets `<origin>/` as a post-logout redirect URI. */
  spaOrigins: readonly string[];
}

/** The registration of the Gatehouse BFF at the dev IdP. */
export function firstPartyClient(options: FirstPartyClientOptions): ClientMetadata {
  const bff = options.publicBffUrl.replace(/\/+$/, '');
  return {
    client_id: options.clientId,
    client_secret: options.clientSecret,
    client_name: 'Gatehouse',
    application_type: 'web',
    redirect_uris: [`${bff}/auth/callback`],
    post_logout_redirect_uris: options.spaOrigins.map((spa) => `${spa.replace(/\/+$/, '')}/`),
    backchannel_logout_uri: `${bff}/auth/backchannel-logout`,
    backchannel_logout_session_required: true,
    // client_secret_post is accepted as well: oidc-provider treats the two secret methods as interchangeable.
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    id_token_signed_response_alg: 'RS256',
    // Every ID token says how and when the user authenticated, so a relying party can ask for a step-up.
    default_acr_values: [ACR.PASSWORD],
    require_auth_time: true,
  };
}

/** The client id of `hardenedClient`. */
export const HARDENED_CLIENT_ID = 'gatehouse-hardened';

/**
 * A second registration of the BFF that exercises the protocol options together: no secret but `private_key_jwt`
 * with the BFF's own `/auth/jwks.json` as `jwks_uri`, pushed authorization requests required, DPoP-bound tokens
 * required. `examples/providers.hardened.json` signs in with it (its key from the environment).
 */
export function hardenedClient(
  options: Omit<FirstPartyClientOptions, 'clientId' | 'clientSecret'>,
): ClientMetadata {
  const { client_secret: _none, ...registration } = firstPartyClient({
    ...options,
    clientId: HARDENED_CLIENT_ID,
    clientSecret: 'unused',
  });
  return {
    ...registration,
    client_name: 'Gatehouse (PAR, private_key_jwt, DPoP)',
    token_endpoint_auth_method: 'private_key_jwt',
    jwks_uri: `${options.publicBffUrl.replace(/\/+$/, '')}/auth/jwks.json`,
    require_pushed_authorization_requests: true,
    dpop_bound_access_tokens: true,
  };
}

const OAuth2EnvSchema = z.object({
  // `off` disables the GitHub-like provider; 0 picks a free port, as for IDP_PORT.
  OAUTH2_PORT: z
    .union([z.literal('off'), port], { error: 'must be a port (0-65535) or "off"' })
    .default(4001),
  BFF_PORT: port.default(3000),
  PUBLIC_BFF_URL: httpUrl.transform((value) => value.replace(/\/+$/, '')).optional(),
  OCTO_CLIENT_ID: z.string().min(1).default('gatehouse-octo'),
  OCTO_CLIENT_SECRET: z.string().min(1).default('octo-dev-secret'),
});

export interface OAuth2ProviderConfig {
  /** `null` when `OAUTH2_PORT=off`. */
  port: number | null;
  clientId: string;
  clientSecret: string;
  /** `<PUBLIC_BFF_URL>/auth/callback`. */
  redirectUri: string;
}

/**
 * The GitHub-like provider's variables (`OAUTH2_PORT`, `OCTO_CLIENT_ID`, `OCTO_CLIENT_SECRET`), parsed
 * apart from `loadConfig` so the dev IdP's own configuration stays as it is. Same rules: empty means unset,
 * a `ConfigError` names every invalid variable.
 */
export function loadOAuth2Config(env: NodeJS.ProcessEnv = process.env): OAuth2ProviderConfig {
  const e = parseEnv(OAuth2EnvSchema, env);
  const bff = e.PUBLIC_BFF_URL ?? `http://localhost:${e.BFF_PORT}`;
  return {
    port: e.OAUTH2_PORT === 'off' ? null : e.OAUTH2_PORT,
    clientId: e.OCTO_CLIENT_ID,
    clientSecret: e.OCTO_CLIENT_SECRET,
    redirectUri: `${bff}/auth/callback`,
  };
}
