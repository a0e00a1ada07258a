import { z } from 'zod';
import { SessionClaimsSchema } from './session-claims.ts';
import { UserInfoSchema } from './user-info.ts';

/**
 * Body of `GET /api/session`. Times are ISO 8601 UTC. `claims` are the provider's `sessionClaims` the user has;
 * a BFF from before them sends none, read as `{}`.
 */
export const SessionInfoSchema = z.object({
  user: UserInfoSchema,
  provider: z.string().min(1),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  idleExpiresAt: z.iso.datetime(),
  claims: SessionClaimsSchema.default({}),
  /**
   * The BFF's idle timeout, in seconds, where the BFF says so (the live-session events and
   * `POST /api/session/extend`): a client warns half of it before the idle expiry when that is under 2 min.
   */
  idleTimeoutSeconds: z.number().int().positive().optional(),
});
export type SessionInfo = z.infer<typeof SessionInfoSchema>;

/** One entry of `GET /api/sessions`. `id` is an opaque handle, never the cookie value. */
export const SessionSummarySchema = z.object({
  id: z.string().min(1),
  current: z.boolean(),
  createdAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
  userAgent: z.string().nullable(),
  provider: z.string().min(1),
});
export type SessionSummary = z.infer<typeof SessionSummarySchema>;
export const SessionListSchema = z.array(SessionSummarySchema);
