import { z } from 'zod';

/** Body of `GET /auth/providers`: what the SPA needs to draw one sign-in button per provider. */
export const ProviderSummarySchema = z.object({
  name: z.string().min(1),
  label: z.string().min(1),
  available: z.boolean(),
});
export type ProviderSummary = z.infer<typeof ProviderSummarySchema>;
export const ProviderListSchema = z.array(ProviderSummarySchema);

/** Body of `POST /auth/logout`. */
export const LogoutResponseSchema = z.object({ redirectTo: z.string().min(1) });
export type LogoutResponse = z.infer<typeof LogoutResponseSchema>;
