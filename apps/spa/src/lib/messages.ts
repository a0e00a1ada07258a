import { GatehouseError } from '@gatehouse/react';

/** What the user reads about a failure: the BFF's own message, never a stack or a raw code. */
export function messageOf(error: unknown): string {
  return error instanceof GatehouseError ? error.message : 'Something went wrong. Please try again.';
}
