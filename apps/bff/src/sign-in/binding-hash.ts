import { hash } from 'node:crypto';

/**
 * What a login transaction keeps of the browser-binding cookie (`auth/browser-binding.ts`): its SHA-256, so a
 * store dump does not hold the value that would pass the callback's check.
 */
export const hashBinding = (value: string): string => hash('sha256', value, 'base64url');
