import { randomBytes } from 'node:crypto';
import type { ParameterizedContext } from 'koa';

/**
 * Binds a login transaction to the browser that started it: a random value in its own HttpOnly cookie, whose
 * hash is kept in the transaction. One value per browser, so two tabs can sign in at once; a callback URL
 * replayed in another browser finds no matching binding.
 */
export interface BindingCookieOptions {
  name: string;
  secure: boolean;
  maxAgeMs: number;
}

const WELL_FORMED = /^[A-Za-z0-9_-]{43}$/;

export function readBrowserBinding(ctx: ParameterizedContext, options: BindingCookieOptions): string | null {
  const value = ctx.cookies.get(options.name);
  return value && WELL_FORMED.test(value) ? value : null;
}

export function ensureBrowserBinding(ctx: ParameterizedContext, options: BindingCookieOptions): string {
  const existing = readBrowserBinding(ctx, options);
  const value = existing ?? randomBytes(32).toString('base64url');
  // Lax, not Strict: the callback is a top-level navigation coming from the provider's site.
  ctx.cookies.set(options.name, value, {
    httpOnly: true,
    secure: options.secure,
    sameSite: 'lax',
    path: '/',
    maxAge: options.maxAgeMs,
    overwrite: true,
  });
  return value;
}
