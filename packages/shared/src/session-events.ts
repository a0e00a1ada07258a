/** Why `GET /api/session/events` says `ended`. */
export const SESSION_END_REASONS = ['signed_out', 'revoked', 'expired', 'provider_logout'] as const;
export type SessionEndReason = (typeof SESSION_END_REASONS)[number];

/** Data of the `ended` event. */
export interface SessionEnded {
  reason: SessionEndReason;
}
