import { SessionInfoSchema } from '@gatehouse/shared';
import { startOAuth2Provider, type RunningOAuth2Provider } from '@gatehouse/idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/observability/metrics.ts';
import { subjectHash } from '../../src/sign-in/sign-in-refusals.ts';
import type { ProviderConfig } from '../../src/config/providers-file.ts';
import type { MemoryStore } from '../../src/store/memory-store.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { CookieJar } from '../support/cookie-jar.ts';
import { csrfHeaders, SPA_ORIGIN, sessionCookieOf, startHarness, type Harness } from '../support/harness.ts';
import { sparePort } from '../support/redis-server.ts';

/**
 * `allow` and `sessionClaims` against the embedded dev IdP (and octo, the GitHub-like one): one provider entry
 * per rule kind, all on the same IdP client.
 */

const PASSWORDS: Record<string, string> = {
  alice: 'wonderland',
  bob: 'builder',
  carol: 'hearts',
  dave: 'elsewhere',
  erin: 'unverified',
};

let h: Harness;
let octo: RunningOAuth2Provider;
let store: MemoryStore;
const metrics = createMetrics({ processMetrics: false });

beforeAll(async () => {
  const port = await sparePort();
  octo = await startOAuth2Provider({
    port: 0,
    clients: [
      {
        clientId: 'gatehouse-octo',
        clientSecret: 'octo-secret',
        redirectUris: [`http://localhost:${port}/auth/callback`],
      },
    ],
  });
  const octoProvider = (name: string, extra: Partial<ProviderConfig>): ProviderConfig => ({
    name,
    authorizationEndpoint: `${octo.url}/login/oauth/authorize`,
    tokenEndpoint: `${octo.url}/login/oauth/access_token`,
    userinfoEndpoint: `${octo.url}/user`,
    clientId: 'gatehouse-octo',
    clientSecret: 'octo-secret',
    scopes: ['read:user', 'user:email'],
    claims: { sub: 'id', name: 'name', email: 'email', picture: 'avatar_url', login: 'login' },
    allowInsecureHttp: true,
    ...extra,
  });
  h = await startHarness({
    port,
    store: (clock) => (store = createMemoryStore({ clock: clock.now })),
    metrics,
    providers: (issuer, config) => {
      const dev = (name: string, extra: Partial<ProviderConfig>): ProviderConfig => ({
        name,
        issuer,
        clientId: config.devClient.clientId,
        clientSecret: config.devClient.clientSecret,
        scopes: ['openid', 'profile', 'email', 'offline_access'],
        allowInsecureHttp: true,
        ...extra,
      });
      return [
        dev('open', { sessionClaims: ['groups', 'email_verified'] }),
        dev('domain', { allow: { emailDomains: ['EXAMPLE.com'] } }),
        dev('emails', { allow: { emails: ['Carol@Example.COM', 'erin@example.com'] } }),
        dev('subjects', { allow: { subjects: ['bob'] } }),
        dev('groups', { allow: { claims: { groups: ['staff'] } }, sessionClaims: ['groups'] }),
        dev('all', { allow: { emailDomains: ['example.com'], subjects: ['alice', 'carol'] } }),
        octoProvider('octo-public', { allow: { emailDomains: ['example.com'] } }),
        octoProvider('octo', {
          emailsEndpoint: `${octo.url}/user/emails`,
          allow: { emailDomains: ['example.com'] },
          sessionClaims: ['login'],
        }),
      ];
    },
  });
});
afterAll(async () => {
  await h?.close();
  await octo?.close();
});

async function signIn(provider: string, user: string) {
  const jar = new CookieJar();
  const callback = await h.signIn(jar, {
    provider,
    user,
    password: PASSWORDS[user]!,
    returnTo: '/dashboard',
  });
  return { jar, callback };
}

async function refusals(provider: string, reason: string): Promise<number> {
  const metric = await metrics.registry.getSingleMetric('gatehouse_sign_in_refusals_total')!.get();
  return metric.values.find((v) => v.labels.provider === provider && v.labels.reason === reason)?.value ?? 0;
}

async function expectAllowed(provider: string, user: string) {
  const { jar, callback } = await signIn(provider, user);
  expect(callback.status).toBe(302);
  expect(callback.headers.get('location')).toBe(`${SPA_ORIGIN}/dashboard`);
  const session = await h.request('/api/session', { jar, headers: csrfHeaders });
  expect(session.status).toBe(200);
  return SessionInfoSchema.parse(await session.json());
}

async function expectRefused(provider: string, user: string, reason: string) {
  const before = await refusals(provider, reason);
  const sessionsBefore = store.stats().sessions;
  const { jar, callback } = await signIn(provider, user);
  expect(callback.status).toBe(302);
  expect(callback.headers.get('location')).toBe(`${SPA_ORIGIN}/?error=access_denied`);
  // No session: no cookie, nothing new in the store, and the browser is signed out.
  expect(sessionCookieOf(h, jar)).toBeUndefined();
  expect(store.stats().sessions).toBe(sessionsBefore);
  expect((await h.request('/api/session', { jar, headers: csrfHeaders })).status).toBe(401);
  expect(await refusals(provider, reason)).toBe(before + 1);
}

describe('allow: emailDomains', () => {
  it('lets a user of the domain in, whatever the case of the configured domain', async () => {
    expect((await expectAllowed('domain', 'alice')).user.email).toBe('alice@example.com');
  });
  it('refuses a user of another domain', async () => {
    await expectRefused('domain', 'dave', 'email_domain_not_allowed');
  });
  it('refuses an address of the domain the provider says is unverified', async () => {
    await expectRefused('domain', 'erin', 'email_unverified');
  });
});

describe('allow: emails', () => {
  it('compares addresses without case', async () => {
    expect((await expectAllowed('emails', 'carol')).user.sub).toBe('carol');
  });
  it('refuses an address not on the list', async () => {
    await expectRefused('emails', 'alice', 'email_not_allowed');
  });
  it('refuses a listed address the provider says is unverified', async () => {
    await expectRefused('emails', 'erin', 'email_unverified');
  });
});

describe('allow: subjects', () => {
  it('lets a listed subject in', async () => {
    await expectAllowed('subjects', 'bob');
  });
  it('refuses anyone else', async () => {
    await expectRefused('subjects', 'alice', 'subject_not_allowed');
  });
});

describe('allow: claims', () => {
  it('lets a user in whose list claim holds one of the values', async () => {
    await expectAllowed('groups', 'carol');
  });
  it('refuses a user without the claim', async () => {
    await expectRefused('groups', 'alice', 'claim_not_allowed');
  });
});

describe('allow: every field given must match', () => {
  it('lets in a user who matches all of them', async () => {
    await expectAllowed('all', 'carol');
  });
  it('refuses a user who matches the domain but not the subjects', async () => {
    await expectRefused('all', 'bob', 'subject_not_allowed');
  });
});

describe('allow: GitHub-like providers', () => {
  it('with an emails endpoint, uses the primary verified address', async () => {
    const info = await expectAllowed('octo', 'alice');
    expect(info.user.email).toBe('alice@example.com');
    expect(info.user.sub).toBe('1001');
    expect(info.claims).toEqual({ login: 'alice' });
  });
  it('with an emails endpoint, refuses a user whose primary address is unverified', async () => {
    await expectRefused('octo', 'erin', 'email_missing');
  });
  it('without one, trusts the public address of the user object (why the endpoint matters)', async () => {
    await expectAllowed('octo-public', 'erin');
  });
});

describe('the tokens of a refused user', () => {
  it('are revoked at the provider; an allowed user’s are not (the control)', async () => {
    let revoked = 0;
    h.idp.provider!.on('grant.revoked', () => (revoked += 1));
    await expectAllowed('subjects', 'bob');
    await expectRefused('subjects', 'carol', 'subject_not_allowed');
    await expect.poll(() => revoked).toBe(1);
    // Settled: one revocation in all, the refused user's.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(revoked).toBe(1);
  });
});

describe('the refusal log', () => {
  it('names the provider, the reason and a hash of the subject — never the email', async () => {
    const from = h.logs.lines.length;
    await expectRefused('domain', 'dave', 'email_domain_not_allowed');
    const lines = h.logs.lines.slice(from).map((line) => JSON.parse(line) as Record<string, unknown>);
    const refusal = lines.find((line) => line.msg === 'sign-in refused by the allow rules');
    expect(refusal).toMatchObject({
      provider: 'domain',
      reason: 'email_domain_not_allowed',
      subject: subjectHash('domain', 'dave'),
    });
    expect(h.logs.lines.slice(from).join('\n')).not.toContain('dave@elsewhere.test');
  });
});

describe('sessionClaims', () => {
  it('returns the kept claims in SessionInfo.claims', async () => {
    const info = await expectAllowed('open', 'carol');
    expect(info.claims).toEqual({ groups: ['notes-editors', 'staff'], email_verified: true });
  });
  it('is {} for a provider that keeps none', async () => {
    expect((await expectAllowed('domain', 'alice')).claims).toEqual({});
  });
  it('keeps out a claim the user does not have', async () => {
    expect((await expectAllowed('open', 'alice')).claims).toEqual({ email_verified: true });
  });
  it('keeps the claims out of the logs', async () => {
    await expectAllowed('groups', 'carol');
    expect(h.logs.text).not.toContain('notes-editors');
  });
});
