import { newSessionId, newSessionIdFor, storeKeyFor } from '../session/keys.ts';
import type { BrowserAccounts, SessionStore, StoredSession } from '../store/store.ts';
import { SignInError } from './sign-in-error.ts';

/**
 * Several accounts in one browser (decision 027). A browser with one account is what it always was: its cookie
 * names that session (the store key is the cookie's SHA-256). A browser that adds a second account gets a new
 * cookie whose SHA-256 names a `BrowserAccounts` record instead: the store keys of its sessions and the active
 * one. Those sessions live under keys drawn at random, so no cookie value reaches one except through the
 * record. A browser can therefore only act as, list, switch to or sign out of the sessions its own record names.
 */

/** What a browser's cookie stands for. */
export interface Browser {
  /** The store key (and list handle) of the session the browser acts as. */
  key: string;
  session: StoredSession;
  /** With several accounts: the record and its store key (the cookie's SHA-256); null with one. */
  accounts: { key: string; record: BrowserAccounts } | null;
}

export type AccountsStore = Pick<
  SessionStore,
  'get' | 'set' | 'destroy' | 'getAccounts' | 'setAccounts' | 'destroyAccounts'
>;

export const unknownAccount = (): SignInError =>
  new SignInError('unknown_account', 'This browser holds no such account.');

const sameUser = (a: StoredSession, b: StoredSession): boolean =>
  a.provider === b.provider && a.user.sub === b.user.sub;

/** A fresh store key in the user's slot bucket, whose id no cookie ever carries. */
const newAccountKey = (session: StoredSession): string =>
  storeKeyFor(newSessionIdFor(session.provider, session.user.sub));

const recordOf = (held: Array<[string, StoredSession]>, active: string): BrowserAccounts => ({
  v: 1,
  accounts: held.map(([key]) => key),
  active,
  expiresAt: Math.max(...held.map(([, session]) => session.absoluteExpiresAt)),
});

/**
 * The browser behind a cookie's store key. One read for a browser with one account, as before; with several,
 * the record and then the active session. An active session that ended (signed out elsewhere, revoked,
 * expired) gives way to the most recently added live one; none left, and the record goes too.
 */
export async function resolveBrowser(store: AccountsStore, cookieKey: string): Promise<Browser | null> {
  const session = await store.get(cookieKey);
  if (session) return { key: cookieKey, session, accounts: null };
  const record = await store.getAccounts(cookieKey);
  return record ? activeOf(store, cookieKey, record) : null;
}

async function activeOf(
  store: AccountsStore,
  recordKey: string,
  record: BrowserAccounts,
): Promise<Browser | null> {
  const candidates = [record.active, ...[...record.accounts].reverse()].filter(
    (key, at, all) => record.accounts.includes(key) && all.indexOf(key) === at,
  );
  const ended: string[] = [];
  for (const key of candidates) {
    const session = await store.get(key);
    if (!session) {
      ended.push(key);
      continue;
    }
    if (ended.length === 0) return { key, session, accounts: { key: recordKey, record } };
    const next = { ...record, accounts: record.accounts.filter((k) => !ended.includes(k)), active: key };
    await store.setAccounts(recordKey, next);
    return { key, session, accounts: { key: recordKey, record: next } };
  }
  await store.destroyAccounts(recordKey);
  return null;
}

/** The browser's live accounts, in the order they were added, as `[key, session]`; ended ones are dropped. */
export async function listAccounts(
  store: AccountsStore,
  browser: Browser,
): Promise<Array<[string, StoredSession]>> {
  if (!browser.accounts) return [[browser.key, browser.session]];
  const { key: recordKey, record } = browser.accounts;
  const found = await Promise.all(
    record.accounts.map(async (key): Promise<[string, StoredSession | null]> => [
      key,
      key === browser.key ? browser.session : await store.get(key),
    ]),
  );
  const live = found.filter((entry): entry is [string, StoredSession] => entry[1] !== null);
  if (live.length < found.length) {
    await store.setAccounts(recordKey, { ...record, accounts: live.map(([key]) => key) });
  }
  return live;
}

export interface AddedAccount {
  /** The browser's new cookie value: a sign-in always gets a new one. */
  cookieId: string;
  browser: Browser & { accounts: NonNullable<Browser['accounts']> };
  /** Store keys that no longer name one of this browser's sessions (the caller tells their open streams). */
  retired: string[];
}

/**
 * Adds a signed-in session to a browser that holds one or more accounts, and makes it the active one. A session
 * of a user the browser already holds replaces that user's. The browser gets a new cookie naming a new
 * record; the old cookie value is worthless afterwards, whether it named a session (which moves to a fresh key)
 * or a record (which is deleted).
 */
export async function addAccount(
  store: AccountsStore,
  browser: Browser,
  session: StoredSession,
): Promise<AddedAccount> {
  const held = await listAccounts(store, browser);
  const key = newAccountKey(session);
  await store.set(key, session);
  const kept: Array<[string, StoredSession]> = [];
  const retired: string[] = [];
  for (const [heldKey, heldSession] of held) {
    if (sameUser(heldSession, session)) {
      await store.destroy(heldKey);
      retired.push(heldKey);
    } else if (browser.accounts) {
      kept.push([heldKey, heldSession]);
    } else {
      // Its key is the SHA-256 of the cookie this sign-in replaces: it moves to one no cookie carries.
      const moved = newAccountKey(heldSession);
      await store.set(moved, heldSession);
      await store.destroy(heldKey);
      kept.push([moved, heldSession]);
      retired.push(heldKey);
    }
  }
  const all: Array<[string, StoredSession]> = [...kept, [key, session]];
  const cookieId = newSessionId();
  const recordKey = storeKeyFor(cookieId);
  const record = recordOf(all, key);
  await store.setAccounts(recordKey, record);
  if (browser.accounts) await store.destroyAccounts(browser.accounts.key);
  return { cookieId, browser: { key, session, accounts: { key: recordKey, record } }, retired };
}

/** Makes one of the browser's own accounts the active one; any other handle is `unknown_account`. */
export async function switchAccount(
  store: AccountsStore,
  browser: Browser,
  target: string,
): Promise<Browser> {
  const held = await listAccounts(store, browser);
  const found = held.find(([key]) => key === target);
  if (!found) throw unknownAccount();
  if (!browser.accounts || target === browser.key) return { ...browser, key: target, session: found[1] };
  const record = { ...browser.accounts.record, accounts: held.map(([key]) => key), active: target };
  await store.setAccounts(browser.accounts.key, record);
  return { key: target, session: found[1], accounts: { key: browser.accounts.key, record } };
}

/**
 * The browser once the sessions `ended` (already destroyed) are no longer among its accounts: the same browser,
 * another active account when the active one ended, or null when none is left (its record is deleted).
 */
export async function forgetAccounts(
  store: AccountsStore,
  browser: Browser,
  ended: readonly string[],
): Promise<Browser | null> {
  if (!browser.accounts) return ended.includes(browser.key) ? null : browser;
  const { key: recordKey, record } = browser.accounts;
  const rest = record.accounts.filter((key) => !ended.includes(key));
  if (!ended.includes(browser.key)) {
    const next = { ...record, accounts: rest };
    await store.setAccounts(recordKey, next);
    return { ...browser, accounts: { key: recordKey, record: next } };
  }
  return activeOf(store, recordKey, { ...record, accounts: rest, active: rest.at(-1) ?? record.active });
}

/** Signs the browser out of one of its own accounts: the session is destroyed, the others stay. */
export async function signOutAccount(
  store: AccountsStore,
  browser: Browser,
  target: string,
): Promise<{ ended: StoredSession; next: Browser | null }> {
  const held = await listAccounts(store, browser);
  const found = held.find(([key]) => key === target);
  if (!found) throw unknownAccount();
  await store.destroy(target);
  return { ended: found[1], next: await forgetAccounts(store, browser, [target]) };
}

/** Signs the browser out of every account it holds; answers the ended sessions. */
export async function signOutAllAccounts(
  store: AccountsStore,
  browser: Browser,
): Promise<Array<[string, StoredSession]>> {
  const held = await listAccounts(store, browser);
  await Promise.all(held.map(([key]) => store.destroy(key)));
  if (browser.accounts) await store.destroyAccounts(browser.accounts.key);
  return held;
}
