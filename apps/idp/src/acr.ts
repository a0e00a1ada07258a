import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';

/**
 * The dev IdP's two authentication context classes, for step-up tests and demos: a sign-in with the password
 * is `PASSWORD`; asking for `PASSWORD_AGAIN` (`acr_values`) makes the IdP ask for the password again, even with a
 * live session, unless that session was already signed in at that level.
 */
export const ACR = {
  PASSWORD: 'urn:gatehouse:acr:password',
  PASSWORD_AGAIN: 'urn:gatehouse:acr:password-again',
} as const;
export const ACR_VALUES = [ACR.PASSWORD, ACR.PASSWORD_AGAIN];

const requested = (params: Record<string, unknown>): string[] =>
  typeof params['acr_values'] === 'string' ? params['acr_values'].split(' ') : [];

/** The level a password sign-in reaches for this request: the higher one when it was asked for. */
export function acrForLogin(params: Record<string, unknown>): string {
  return requested(params).includes(ACR.PASSWORD_AGAIN) ? ACR.PASSWORD_AGAIN : ACR.PASSWORD;
}

/** oidc-provider's default prompts, with the login prompt also requested for a step-up to `PASSWORD_AGAIN`. */
export function interactionPolicyWithStepUp(): ReturnType<typeof interactionPolicy.base> {
  const policy = interactionPolicy.base();
  const { Check } = interactionPolicy;
  policy.get('login')!.checks.add(
    new Check('acr_step_up', 'a stronger authentication was requested', (ctx: KoaContextWithOIDC) => {
      const { oidc } = ctx;
      const wantsStepUp = requested(oidc.params ?? {}).includes(ACR.PASSWORD_AGAIN);
      if (!wantsStepUp || oidc.result?.['login'] || oidc.acr === ACR.PASSWORD_AGAIN) {
        return Check.NO_NEED_TO_PROMPT;
      }
      return Check.REQUEST_PROMPT;
    }),
  );
  return policy;
}
