import { invalidRequest } from '../http/errors.ts';

/**
 * `prompt` of `GET /auth/login`: only `none` (a silent sign-in) may be asked for. Other prompts are the
 * provider's business, and `login`/`consent` are what an ordinary sign-in shows anyway.
 */
export function silentPrompt(value: unknown): 'none' | undefined {
  if (value === undefined) return undefined;
  if (value === 'none') return 'none';
  throw invalidRequest('"prompt" may only be "none" (a silent sign-in).');
}
