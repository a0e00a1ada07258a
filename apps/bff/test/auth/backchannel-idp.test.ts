import { CookieJar as IdpCookieJar, signOutAtIdp } from '@gatehouse/idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTokens } from '../../src/tokens/sealed-tokens.ts';
import { CookieJar } from '../support/cookie-jar.ts';
import { csrfHeaders, SPA_ORIGIN, startHarness, type Harness } from '../support/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe('signing out at the dev IdP', () => {
  it('ends the Gatehouse session through back-channel logout, and only that one', async () => {
    const browser = new CookieJar();
    const idpJar = new IdpCookieJar();
    await h.signIn(browser, { idpJar });
    const other = new CookieJar();
    await h.signIn(other, { user: 'bob', password: 'builder' });
    expect((await h.request('/api/session', { jar: browser, headers: csrfHeaders })).status).toBe(200);

    const [entry] = await h.deps.store.listByUser('dev', 'alice');
    const { idToken } = openTokens(h.deps.cipher, entry![1].tokens, 'dev', 'alice');
    const endSession = new URL(`${h.idp.issuer}/session/end`);
    endSession.searchParams.set('id_token_hint', idToken!);
    endSession.searchParams.set('post_logout_redirect_uri', `${SPA_ORIGIN}/`);
    const result = await signOutAtIdp(endSession.href, idpJar);
    expect(result.redirectUrl).toBe(`${SPA_ORIGIN}/`);

    // The IdP calls the BFF's back-channel endpoint before it redirects the browser.
    await expect
      .poll(async () => (await h.request('/api/session', { jar: browser, headers: csrfHeaders })).status)
      .toBe(401);
    expect(await h.deps.store.listByUser('dev', 'alice')).toEqual([]);
    expect((await h.request('/api/session', { jar: other, headers: csrfHeaders })).status).toBe(200);
  });
});
