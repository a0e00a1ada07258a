import { z } from 'zod';
import { UserInfoSchema } from './user-info.ts';

/**
 * One entry of `GET /api/accounts`: an account this browser holds. `id` is the opaque handle of the account's
 * session (the same as in `GET /api/sessions`), never a cookie value.
 */
export const AccountSummarySchema = z.object({
  id: z.string().min(1),
  active: z.boolean(),
  user: UserInfoSchema,
  provider: z.string().min(1),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
});
export type AccountSummary = z.infer<typeof AccountSummarySchema>;
export const AccountListSchema = z.array(AccountSummarySchema);

/** Body of `POST /api/accounts/active`: the handle of the account to act as. */
export const SwitchAccountSchema = z.object({ id: z.string().min(1) });
export type SwitchAccount = z.infer<typeof SwitchAccountSchema>;
