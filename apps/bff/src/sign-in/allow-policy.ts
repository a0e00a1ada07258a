import type { AllowRules } from '../config/providers-file.ts';
import { unmetClaim } from './claim-match.ts';

/** Why a user was refused; a bounded set, so it can label a metric. */
export type RefusalReason =
  | 'subject_not_allowed'
  | 'email_missing'
  | 'email_unverified'
  | 'email_not_allowed'
  | 'email_domain_not_allowed'
  | 'claim_not_allowed';

export type AllowDecision = { allowed: true } | { allowed: false; reason: RefusalReason };

/** What the provider told us about the user at sign-in. */
export interface SignInIdentity {
  sub: string;
  email: string | null;
  /** The ID token's (else user info's) claims, `email_verified` among them where the provider sends it. */
  claims: Readonly<Record<string, unknown>>;
}

const ALLOWED: AllowDecision = { allowed: true };
const refused = (reason: RefusalReason): AllowDecision => ({ allowed: false, reason });

/** Some providers send `email_verified` as the string "false". */
const saysUnverified = (value: unknown): boolean => value === false || value === 'false';

const domainOf = (email: string): string => email.slice(email.lastIndexOf('@') + 1);

/**
 * A provider's `allow` rules: every field given must match; values within a field are alternatives. Emails and
 * domains compare without case, and not at all when the provider says the address is unverified. No rules:
 * everyone with an account at the provider.
 */
export function decideSignIn(identity: SignInIdentity, rules: AllowRules | undefined): AllowDecision {
  if (!rules) return ALLOWED;
  if (rules.subjects && !rules.subjects.includes(identity.sub)) return refused('subject_not_allowed');
  if (rules.emails || rules.emailDomains) {
    const email = identity.email?.toLowerCase() ?? null;
    if (email === null) return refused('email_missing');
    if (saysUnverified(identity.claims.email_verified)) return refused('email_unverified');
    if (rules.emails && !rules.emails.some((allowed) => allowed.toLowerCase() === email)) {
      return refused('email_not_allowed');
    }
    if (
      rules.emailDomains &&
      !rules.emailDomains.some((domain) => domain.toLowerCase() === domainOf(email))
    ) {
      return refused('email_domain_not_allowed');
    }
  }
  if (rules.claims && unmetClaim(identity.claims, rules.claims) !== null) return refused('claim_not_allowed');
  return ALLOWED;
}
