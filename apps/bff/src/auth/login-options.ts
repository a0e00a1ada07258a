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

const ACR_VALUE = /^[\x21-\x7e]{1,128}$/;

/**
 * `acr` (space-separated values, any of which will do) and `maxAge` (seconds since the user last authenticated)
 * of `GET /auth/login`: a step-up. Undefined when neither is given.
 */
export function stepUpOptions(
  acr: unknown,
  maxAge: unknown,
): { acr: string[] | null; maxAge: number | null } | undefined {
  if (acr === undefined && maxAge === undefined) return undefined;
  if (acr !== undefined && typeof acr !== 'string') throw invalidRequest('Give "acr" once.');
  const values = acr === undefined ? null : acr.split(' ').filter(Boolean);
  if (values && (values.length === 0 || values.length > 8 || !values.every((v) => ACR_VALUE.test(v)))) {
    throw invalidRequest('"acr" must be one to eight space-separated authentication context values.');
  }
  if (maxAge !== undefined && (typeof maxAge !== 'string' || !/^\d{1,8}$/.test(maxAge))) {
    throw invalidRequest('"maxAge" must be a whole number of seconds.');
  }
  return { acr: values, maxAge: maxAge === undefined ? null : Number(maxAge) };
}

/**
 * `addAccount=1` of `GET /auth/login`: the sign-in adds an account to the browser instead of replacing its
 * session. Not with a silent sign-in (the provider would answer with the account it has) nor with a step-up
 * (which upgrades the session the browser acts as).
 */
export function addAccountOption(value: unknown, silent: boolean, stepUp: boolean): boolean {
  if (value === undefined) return false;
  if (value !== '1') throw invalidRequest('"addAccount" may only be 1.');
  if (silent) throw invalidRequest('"addAccount" cannot be combined with prompt=none.');
  if (stepUp) throw invalidRequest('"addAccount" cannot be combined with "acr" or "maxAge".');
  return true;
}
