import { z } from 'zod';

const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** One kept claim: a string, number or boolean, or a list of them (`groups`). */
export const SessionClaimValueSchema = z.union([scalar, z.array(scalar)]);
export type SessionClaimValue = z.infer<typeof SessionClaimValueSchema>;

/** The provider's `sessionClaims` the user has, by claim name; `{}` when none. */
export const SessionClaimsSchema = z.record(z.string(), SessionClaimValueSchema);
export type SessionClaims = z.infer<typeof SessionClaimsSchema>;
