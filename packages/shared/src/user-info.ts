import { z } from 'zod';

/** The signed-in user as the SPA sees them, whatever the provider. */
export const UserInfoSchema = z.object({
  sub: z.string().min(1),
  name: z.string().nullable(),
  email: z.string().nullable(),
  picture: z.string().nullable(),
});
export type UserInfo = z.infer<typeof UserInfoSchema>;
