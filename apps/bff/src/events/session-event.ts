import type { SessionEndReason, SessionInfo } from '@gatehouse/shared';

/**
 * What an open `GET /api/session/events` stream of one session is told. `account` never reaches the browser as
 * such: the browser now acts as another of its accounts (`key`, whose record is under `accountsKey`), and its
 * streams follow that session and say `session` with it.
 */
export type SessionEvent =
  | { type: 'session'; session: SessionInfo }
  | { type: 'ended'; reason: SessionEndReason }
  | { type: 'account'; key: string; accountsKey: string; session: SessionInfo };

export const sessionChanged = (session: SessionInfo): SessionEvent => ({ type: 'session', session });
export const sessionEnded = (reason: SessionEndReason): SessionEvent => ({ type: 'ended', reason });
export const accountSwitched = (key: string, accountsKey: string, session: SessionInfo): SessionEvent => ({
  type: 'account',
  key,
  accountsKey,
  session,
});

/**
 * Delivers session events to the streams open for that session, on this replica and — with Redis — on every
 * other one. Keys are session store keys (hashes of the cookie, never the cookie value).
 */
export interface SessionEventBus {
  /** Never throws: a lost event costs a tab its live update, not the request that ended the session. */
  publish(key: string, event: SessionEvent): Promise<void>;
  /** Answers the function that stops the delivery. */
  subscribe(key: string, listener: (event: SessionEvent) => void): () => void;
  close(): Promise<void>;
}
