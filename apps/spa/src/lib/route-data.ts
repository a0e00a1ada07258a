import type { SessionInfo, SessionSummary } from '@gatehouse/shared';
import { BffError } from '../api/bff.ts';

/** What the routes' loaders hand their pages, and the helpers both read them with. */

export interface RootData {
  session: SessionInfo | null;
  /** Set when the BFF could not be asked (unreachable, failing): the app still renders, signed out. */
  unavailable: string | null;
}

export interface HomeData {
  providers: { name: string; label: string; available: boolean }[];
  providersError: string | null;
}

/** A protected route without a session: the browser is on its way to the login (or a loop was stopped). */
export interface SignInRequired {
  signIn: 'redirecting' | 'loop';
  loginUrl: string;
}

export type DashboardData = SignInRequired | { session: SessionInfo; providerLabel: string | null };

export type SessionsData =
  | SignInRequired
  | { sessions: SessionSummary[]; unavailable?: never }
  | { unavailable: true; sessions?: never };

export function isSignInRequired(data: object): data is SignInRequired {
  return 'signIn' in data;
}

export function messageOf(error: unknown): string {
  return error instanceof BffError ? error.message : 'Something went wrong. Please try again.';
}
