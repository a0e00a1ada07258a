export { createNotesApi, type NotesApiOptions } from './app.ts';
export { startNotesApi, type RunningNotesApi, type StartNotesApiOptions } from './start.ts';
export { ConfigError, loadConfig, type ApiConfig } from './config.ts';
export {
  accessTokenVerifier,
  TokenRejectedError,
  type AccessTokenVerifier,
  type AccessTokenVerifierOptions,
  type Caller,
} from './access-token.ts';
export { issuerKeys, KeysUnavailableError, type IssuerKeysOptions } from './issuer-keys.ts';
export { NotesStore, NoteLimitError, type Note, type NotesStoreOptions } from './notes-store.ts';
export { MAX_NOTE_LENGTH } from './notes-routes.ts';
