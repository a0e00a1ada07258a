/** Node-only helpers shared by the dev services (IdP, notes API); never imported by the SPA. */
export { ConfigError, parseEnv } from './env.ts';
export { listen, urlHost, type Listening } from './listen.ts';
export { ServiceError } from './service-error.ts';
export { CodedError } from './coded-error.ts';
export { startedOrExit, stopOnSignals, type ProcessLogger, type ServiceProcess } from './process.ts';
