import { createHash } from 'node:crypto';
import { Counter, type Registry } from 'prom-client';
import type { RefusalReason } from './allow-policy.ts';

/** Counts users the `allow` rules turned away, by provider and reason. */
export interface SignInRefusals {
  count(provider: string, reason: RefusalReason): void;
}

/** `gatehouse_sign_in_refusals_total{provider, reason}` on the given registry. */
export function signInRefusalCounter(registry: Registry): SignInRefusals {
  const counter = new Counter({
    name: 'gatehouse_sign_in_refusals_total',
    help: 'Sign-ins refused by a provider\'s "allow" rules.',
    labelNames: ['provider', 'reason'] as const,
    registers: [registry],
  });
  return { count: (provider, reason) => counter.inc({ provider, reason }) };
}

/**
 * A refused subject in the log: enough to tell one person's repeated attempts apart, without their identifier
 * (and never their email). Truncated SHA-256 of provider and subject.
 */
export function subjectHash(provider: string, sub: string): string {
  return createHash('sha256').update(`${provider}\n${sub}`).digest('base64url').slice(0, 16);
}
