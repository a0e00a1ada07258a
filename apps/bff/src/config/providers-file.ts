import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ClientKeysSchema } from './client-keys.ts';
import { ConfigError } from './env.ts';

/**
 * `PROVIDERS_FILE`: the counterpart of Authlib's `oauth.register(...)`. `${NAME}` in any string is replaced
 * by the environment variable NAME, so secrets stay out of the file.
 */

/** Parameters the BFF owns; letting configuration override them would undo PKCE, state or nonce. */
const RESERVED_AUTHORIZATION_PARAMS = new Set([
  'client_id',
  'redirect_uri',
  'response_type',
  'response_mode',
  'scope',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
  'request',
  'request_uri',
]);

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
export function isLoopback(url: URL): boolean {
  return LOOPBACK_HOSTS.has(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
}

const httpUrl = z.url({ protocol: /^https?$/ });

const ClaimsMappingSchema = z
  .object({
    sub: z.string().min(1).default('sub'),
    name: z.string().min(1).default('name'),
    email: z.string().min(1).default('email'),
    picture: z.string().min(1).default('picture'),
  })
  // Further entries name a claim and the user-info field it comes from, for plain OAuth 2 providers whose user
  // info has no claims of its own (`sessionClaims`, `allow.claims`, an API's `require`).
  .catchall(z.string().min(1));
export type ClaimsMapping = z.infer<typeof ClaimsMappingSchema>;

const CLAIM_NAME = /^[A-Za-z0-9_][A-Za-z0-9_:./-]{0,63}$/;
const claimName = z.string().regex(CLAIM_NAME, 'is not a claim name');

/** `{ "<claim>": ["<value>", ...] }`: the claim must equal (or, as a list, hold) one of the values. */
const ClaimValuesSchema = z
  .record(claimName, z.array(z.string().min(1).max(256)).min(1, 'needs at least one value').max(100))
  .refine((claims) => Object.keys(claims).length > 0, 'needs at least one claim');
export type ClaimValues = z.infer<typeof ClaimValuesSchema>;

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/i;

/** Who may sign in with a provider. Every field given must match; values within a field are alternatives. */
const AllowSchema = z
  .object({
    emails: z.array(z.email('is not an email address')).min(1, 'needs at least one email').optional(),
    emailDomains: z
      .array(z.string().regex(DOMAIN, 'is not a domain name (write "example.com", without "@")'))
      .min(1, 'needs at least one domain')
      .optional(),
    subjects: z.array(z.string().min(1)).min(1, 'needs at least one subject').optional(),
    claims: ClaimValuesSchema.optional(),
  })
  .strict()
  .refine(
    (allow) => Object.values(allow).some((field) => field !== undefined),
    'needs at least one of "emails", "emailDomains", "subjects" or "claims"',
  );
export type AllowRules = z.infer<typeof AllowSchema>;

const ProviderSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'must be lower-case letters, digits, - or _'),
    label: z.string().min(1).max(64).optional(),
    issuer: httpUrl.optional(),
    authorizationEndpoint: httpUrl.optional(),
    tokenEndpoint: httpUrl.optional(),
    userinfoEndpoint: httpUrl.optional(),
    endSessionEndpoint: httpUrl.optional(),
    clientId: z.string().min(1),
    clientSecret: z.string().min(1).optional(),
    scopes: z
      .array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'is not a valid scope'))
      .min(1)
      .optional(),
    authorizationParams: z.record(z.string(), z.string()).optional(),
    // Asymmetric signatures only: `none` or an HS* MAC (keyed with the client secret) would let anyone who
    // knows the secret — or no one at all — mint ID tokens.
    idTokenSignedResponseAlg: z
      .string()
      .regex(
        /^(?:(?:RS|PS|ES)(?:256|384|512)|EdDSA|Ed25519)$/,
        'must be an asymmetric JWS algorithm such as RS256',
      )
      .optional(),
    claims: ClaimsMappingSchema.optional(),
    /** GitHub-like providers: where the user's addresses are listed; the primary verified one is used. */
    emailsEndpoint: httpUrl.optional(),
    allow: AllowSchema.optional(),
    sessionClaims: z.array(claimName).max(32).optional(),
    allowInsecureHttp: z.boolean().optional(),
    /** private_key_jwt (RFC 7523) instead of a secret: the first key signs, all are published (`client-keys.ts`). */
    clientKeys: ClientKeysSchema.optional(),
    /** RFC 9449: tokens bound to a per-session key, proven on the token endpoint, UserInfo and proxied calls. */
    dpop: z.boolean().optional(),
    /** RFC 9126: push the authorization request to the provider first (also when its metadata requires it). */
    pushedAuthorizationRequests: z.boolean().optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.clientKeys && p.clientSecret) {
      ctx.addIssue({
        code: 'custom',
        path: ['clientKeys'],
        message: 'give either "clientSecret" or "clientKeys" (private_key_jwt), not both',
      });
    }
    if (p.pushedAuthorizationRequests && !p.issuer) {
      ctx.addIssue({
        code: 'custom',
        path: ['pushedAuthorizationRequests'],
        message: 'needs "issuer": the pushed authorization request endpoint is found by discovery',
      });
    }
    if (p.issuer && p.emailsEndpoint) {
      ctx.addIssue({
        code: 'custom',
        path: ['emailsEndpoint'],
        message: 'is for plain OAuth 2 providers; an OpenID provider says email_verified itself',
      });
    }
    const explicit = p.authorizationEndpoint ?? p.tokenEndpoint;
    if (p.issuer && explicit) {
      ctx.addIssue({
        code: 'custom',
        message: 'give either "issuer" (OpenID Connect) or explicit endpoints, not both',
      });
    }
    if (!p.issuer && !(p.authorizationEndpoint && p.tokenEndpoint && p.userinfoEndpoint)) {
      ctx.addIssue({
        code: 'custom',
        message: 'needs "issuer", or "authorizationEndpoint", "tokenEndpoint" and "userinfoEndpoint"',
      });
    }
    for (const key of Object.keys(p.authorizationParams ?? {})) {
      if (RESERVED_AUTHORIZATION_PARAMS.has(key)) {
        ctx.addIssue({
          code: 'custom',
          path: ['authorizationParams', key],
          message: 'is set by Gatehouse itself',
        });
      }
    }
    for (const field of [
      'issuer',
      'authorizationEndpoint',
      'tokenEndpoint',
      'userinfoEndpoint',
      'endSessionEndpoint',
      'emailsEndpoint',
    ] as const) {
      const value = p[field];
      if (!value) continue;
      const url = new URL(value);
      if (url.protocol === 'http:' && !(p.allowInsecureHttp && isLoopback(url))) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: 'must be https (http is allowed only on loopback with "allowInsecureHttp": true)',
        });
      }
    }
    if (p.allowInsecureHttp && p.issuer && !isLoopback(new URL(p.issuer))) {
      ctx.addIssue({
        code: 'custom',
        path: ['allowInsecureHttp'],
        message: 'is allowed only for a loopback issuer',
      });
    }
  });
export type ProviderConfig = z.infer<typeof ProviderSchema>;

export const PROXY_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** An upstream API the SPA may call through `/api/proxy/<name>/...` with the session's access token. */
const ApiSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'must be lower-case letters, digits, - or _'),
    baseUrl: httpUrl,
    provider: z.string().min(1),
    methods: z.array(z.enum(PROXY_METHODS)).min(1).default(['GET']),
    timeoutMs: z.number().int().positive().max(300_000).default(10_000),
    /** RFC 8707: relay a token issued for this resource instead of the session's own access token. */
    resource: z.url().optional(),
    /** Claims the session must have (kept by its provider's `sessionClaims`), else 403 `forbidden`. */
    require: z
      .object({
        claims: ClaimValuesSchema.optional(),
        /** Step-up: the session's `acr` must be one of these, else 401 `step_up_required`. */
        acr: z
          .array(z.string().regex(/^[\x21-\x7e]{1,128}$/, 'is not an acr value'))
          .min(1)
          .max(8)
          .optional(),
        /** Step-up: the user must have authenticated at most this many seconds ago. */
        maxAge: z.number().int().min(0).max(31_536_000).optional(),
      })
      .strict()
      .refine((r) => r.claims ?? r.acr ?? r.maxAge, 'needs "claims", "acr" or "maxAge"')
      .optional(),
    allowInsecureHttp: z.boolean().optional(),
  })
  .strict()
  .superRefine((api, ctx) => {
    const url = new URL(api.baseUrl);
    if (url.search || url.hash) {
      ctx.addIssue({ code: 'custom', path: ['baseUrl'], message: 'must have no query or fragment' });
    }
    if (url.protocol === 'http:' && !(api.allowInsecureHttp && isLoopback(url))) {
      ctx.addIssue({
        code: 'custom',
        path: ['baseUrl'],
        message: 'must be https (http is allowed only on loopback with "allowInsecureHttp": true)',
      });
    }
  });
export type ApiConfig = z.infer<typeof ApiSchema>;

const ProvidersFileSchema = z
  .object({
    providers: z.array(ProviderSchema).min(1),
    apis: z.array(ApiSchema).default([]),
  })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.providers.forEach((p, index) => {
      if (seen.has(p.name))
        ctx.addIssue({ code: 'custom', path: ['providers', index, 'name'], message: 'is a duplicate' });
      seen.add(p.name);
    });
    // One kid names one key at `/auth/jwks.json`, whichever provider it signs for.
    const keys = new Map<string, string>();
    file.providers.forEach((p, index) => {
      p.clientKeys?.forEach((key, k) => {
        const material = JSON.stringify(key.publicJwk);
        const known = keys.get(key.kid);
        if (known !== undefined && known !== material)
          ctx.addIssue({
            code: 'custom',
            path: ['providers', index, 'clientKeys', k, 'kid'],
            message: 'names a different key of another provider',
          });
        keys.set(key.kid, material);
      });
    });
    const apis = new Set<string>();
    file.apis.forEach((api, index) => {
      if (apis.has(api.name))
        ctx.addIssue({ code: 'custom', path: ['apis', index, 'name'], message: 'is a duplicate' });
      apis.add(api.name);
      const provider = file.providers.find((p) => p.name === api.provider);
      if (!provider) {
        ctx.addIssue({
          code: 'custom',
          path: ['apis', index, 'provider'],
          message: 'names no configured provider',
        });
      }
      if ((api.require?.acr || api.require?.maxAge !== undefined) && provider && !provider.issuer) {
        ctx.addIssue({
          code: 'custom',
          path: ['apis', index, 'require'],
          message: `"acr" and "maxAge" need an OpenID provider; "${api.provider}" issues no ID tokens`,
        });
      }
      // A required claim the session never keeps would refuse every call: a configuration mistake.
      for (const claim of Object.keys(api.require?.claims ?? {})) {
        if (provider && !provider.sessionClaims?.includes(claim)) {
          ctx.addIssue({
            code: 'custom',
            path: ['apis', index, 'require', 'claims', claim],
            message: `is not kept by provider "${api.provider}" (add it to its "sessionClaims")`,
          });
        }
      }
    });
  });

export interface ProvidersFile {
  providers: ProviderConfig[];
  apis: ApiConfig[];
}

/** Replaces `${NAME}` in every string; an unset variable is an error naming it and where it was used. */
export function substituteEnv(value: unknown, env: Record<string, string | undefined>, path = ''): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_match, name: string) => {
      const replacement = env[name];
      if (replacement === undefined || replacement === '') {
        throw new ConfigError(`PROVIDERS_FILE: ${path || '(root)'} uses \${${name}}, but ${name} is not set`);
      }
      return replacement;
    });
  }
  if (Array.isArray(value)) return value.map((item, i) => substituteEnv(item, env, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        substituteEnv(item, env, path ? `${path}.${key}` : key),
      ]),
    );
  }
  return value;
}

export function parseProvidersFile(raw: unknown, env: Record<string, string | undefined>): ProvidersFile {
  const substituted = substituteEnv(raw, env);
  const result = ProvidersFileSchema.safeParse(substituted);
  if (!result.success) {
    const details = result.error.issues
      .map((issue) => `${describePath(substituted, issue.path)}: ${issue.message}`)
      .join('\n');
    throw new ConfigError(`PROVIDERS_FILE is invalid:\n${details}`);
  }
  return result.data;
}

/** `providers.1.allow.emailDomains.0` → `providers.1 ("google").allow.emailDomains.0`: the operator's names. */
function describePath(file: unknown, path: readonly PropertyKey[]): string {
  const text = path.map(String).join('.');
  const [list, index] = path;
  if ((list !== 'providers' && list !== 'apis') || typeof index !== 'number') return text;
  const entry = (file as Record<string, unknown[] | undefined>)[list]?.[index] as
    { name?: unknown } | undefined;
  if (typeof entry?.name !== 'string') return text;
  return `${list}.${index} (${JSON.stringify(entry.name)})${text.slice(`${list}.${index}`.length)}`;
}

export const parseProviders = (raw: unknown, env: Record<string, string | undefined>): ProviderConfig[] =>
  parseProvidersFile(raw, env).providers;

export function loadProvidersFile(path: string, env: Record<string, string | undefined>): ProvidersFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`PROVIDERS_FILE: cannot read ${path} as JSON (${(error as Error).message})`);
  }
  return parseProvidersFile(raw, env);
}

/** Without PROVIDERS_FILE: the embedded dev IdP, and the sample notes API relayed with its tokens. */
export function defaultProvidersFile(options: {
  idpPort: number;
  apiPort: number;
  clientId: string;
  clientSecret: string;
}): ProvidersFile {
  const notes = `http://localhost:${options.apiPort}`;
  return {
    providers: defaultProviders(options),
    apis: [
      {
        name: 'notes',
        baseUrl: notes,
        provider: 'dev',
        methods: ['GET', 'POST', 'PUT', 'DELETE'],
        timeoutMs: 10_000,
        resource: notes,
        allowInsecureHttp: true,
      },
      {
        // The same API for the dashboard's protected action: a password confirmed within five minutes.
        name: 'notes-export',
        baseUrl: notes,
        provider: 'dev',
        methods: ['GET'],
        timeoutMs: 10_000,
        resource: notes,
        allowInsecureHttp: true,
        require: { acr: [DEV_IDP_PASSWORD_AGAIN], maxAge: 300 },
      },
    ],
  };
}

/** The dev IdP's second authentication level: it asks for the password again (`apps/idp/src/acr.ts`). */
export const DEV_IDP_PASSWORD_AGAIN = 'urn:gatehouse:acr:password-again';

/** The embedded dev IdP alone. */
export function defaultProviders(options: {
  idpPort: number;
  clientId: string;
  clientSecret: string;
}): ProviderConfig[] {
  return [
    {
      name: 'dev',
      label: 'Dev IdP',
      issuer: `http://localhost:${options.idpPort}`,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      scopes: ['openid', 'profile', 'email', 'offline_access'],
      allowInsecureHttp: true,
    },
  ];
}
