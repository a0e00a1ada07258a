import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { startNotesApi, type RunningNotesApi } from '@gatehouse/api';
import { ACR, CookieJar as IdpCookieJar, hardenedClient, signInAtIdp } from '@gatehouse/idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProvidersFile } from '../../src/config/providers-file.ts';
import { storeKeyFor } from '../../src/session/keys.ts';
import { openTokens } from '../../src/tokens/sealed-tokens.ts';
import { CookieJar } from '../support/cookie-jar.ts';
import { csrfHeaders, SPA_ORIGIN, sessionCookieOf, startHarness, type Harness } from '../support/harness.ts';
import { sparePort } from '../support/redis-server.ts';

/**
 * `examples/providers.hardened.json` against the dev IdP's `gatehouse-hardened` registration, as the README runs
 * them with `pnpm start`: PAR, private_key_jwt (a key from the environment), DPoP and a step-up, all at once.
 */
const example = parseProvidersFile(
  JSON.parse(readFileSync(new URL('../../../../examples/providers.hardened.json', import.meta.url), 'utf8')),
  {
    GATEHOUSE_CLIENT_JWK: JSON.stringify(
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }),
    ),
  },
);

let h: Harness;
let notes: RunningNotesApi;

beforeAll(async () => {
  const port = await sparePort();
  const notesUrl = `http://localhost:${port}`;
  h = await startHarness({
    idpOptions: { apiAudience: notesUrl },
    idpClients: (bff) => [hardenedClient({ publicBffUrl: bff, spaOrigins: [SPA_ORIGIN] })],
    // The example's origins are the `pnpm start` defaults; here the IdP and the notes API run on spare ports.
    providers: (issuer) => example.providers.map((provider) => ({ ...provider, issuer })),
    apis: example.apis.map((api) => ({ ...api, baseUrl: notesUrl, resource: notesUrl })),
  });
  notes = await startNotesApi({ port, issuer: h.idp.issuer, audience: notesUrl });
});
afterAll(async () => {
  await h.close();
  await notes.close();
});

/** `/auth/login?<query>` through the IdP to the callback; the redirect must carry nothing but the pushed request. */
async function throughIdp(jar: CookieJar, idpJar: IdpCookieJar, query: string) {
  const login = await h.request(`/auth/login?${query}`, { jar });
  expect(login.status).toBe(302);
  const location = new URL(login.headers.get('location')!);
  expect([...location.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
  const { redirectUrl, steps } = await signInAtIdp(location.href, 'alice', 'wonderland', idpJar);
  const back = new URL(redirectUrl);
  const callback = await h.request(`${back.pathname}${back.search}`, { jar });
  const askedForPassword = steps.some((step) => step.method === 'POST' && /\/login$/.test(step.url));
  return { callback, askedForPassword };
}

describe('examples/providers.hardened.json with the dev IdP’s hardened client', () => {
  it('signs in with PAR and private_key_jwt, gets DPoP-bound tokens, and the notes API takes them', async () => {
    const jar = new CookieJar();
    const { callback } = await throughIdp(jar, new IdpCookieJar(), 'returnTo=/dashboard');
    expect(callback.headers.get('location')).toBe(`${SPA_ORIGIN}/dashboard`);
    const session = (await h.deps.store.get(storeKeyFor(sessionCookieOf(h, jar)!)))!;
    const tokens = await openTokens(h.deps.cipher, session.tokens, session.provider, session.user.sub);
    expect(tokens.tokenType.toLowerCase()).toBe('dpop');
    const added = await h.request('/api/proxy/notes/notes', {
      jar,
      method: 'POST',
      headers: { ...csrfHeaders, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'hardened' }),
    });
    expect(added.status).toBe(201);
  });

  it('the export answers step_up_required; the pushed step-up asks for the password again, then it works', async () => {
    const jar = new CookieJar();
    const idpJar = new IdpCookieJar();
    await throughIdp(jar, idpJar, 'returnTo=/dashboard');
    const exportNotes = () => h.request('/api/proxy/notes-export/notes', { jar, headers: csrfHeaders });
    const refused = await exportNotes();
    expect(refused.status).toBe(401);
    const requirement = (await refused.json()) as { acr: string[]; maxAge: number };
    expect(requirement).toMatchObject({ error: 'step_up_required', acr: [ACR.PASSWORD_AGAIN], maxAge: 300 });

    const query = new URLSearchParams({
      acr: requirement.acr.join(' '),
      maxAge: String(requirement.maxAge),
      returnTo: '/dashboard',
    });
    const { callback, askedForPassword } = await throughIdp(jar, idpJar, query.toString());
    expect(askedForPassword).toBe(true);
    expect(callback.headers.get('location')).toBe(`${SPA_ORIGIN}/dashboard`);
    const allowed = await exportNotes();
    expect(allowed.status).toBe(200);
    expect(Array.isArray(await allowed.json())).toBe(true);
  });
});
