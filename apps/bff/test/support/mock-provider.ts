/**
 * The bare OpenID provider the back-channel logout tests sign logout tokens with. It is the evil provider
 * (`evil-provider.ts`) on its best behaviour: discovery, a JWKS, and `sign(...)` for tokens the test shapes.
 */
export {
  startEvilProvider as startMockProvider,
  type EvilProvider as MockProvider,
} from './evil-provider.ts';
