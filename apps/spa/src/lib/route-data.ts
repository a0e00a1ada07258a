import type { SessionInfo, SessionSummary } from '@gatehouse/shared';
import type { SignInRequired } from '@gatehouse/react';

/** What the routes' loaders hand their pages: a module of its own, so routes and pages never import each other. */

export interface HomeData {
  providers: { name: string; label: string; available: boolean }[];
  providersError: string | null;
}

export type DashboardData = SignInRequired | { session: SessionInfo; providerLabel: string | null };

export type SessionsData =
  | SignInRequired
  | { sessions: SessionSummary[]; unavailable?: never }
  | { unavailable: true; sessions?: never };
