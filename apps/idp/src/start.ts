import { listen } from '@gatehouse/shared/server';
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import { createIdp, type CreateIdpOptions } from './provider.ts';

export interface StartIdpOptions extends Omit<CreateIdpOptions, 'issuer'> {
  /** 0 picks a free port. */
  port: number;
  /** Defaults to Node's default (all interfaces). */
  host?: string;
  /** Defaults to `http://localhost:<the port actually bound>`. */
  issuer?: string;
}

export interface RunningIdp {
  issuer: string;
  /** Where the server can be reached; equals the issuer unless an issuer was given explicitly. */
  url: string;
  provider: Provider;
  close(): Promise<void>;
}

/**
 * Starts the IdP on its own HTTP server. The socket is bound before the provider is built so that with
 * `port: 0` the issuer can name the real port — an issuer is fixed for the provider's lifetime. Requests
 * that arrive while the provider is being built (a readiness probe, typically) wait for it instead of
 * hanging unanswered.
 */
export async function startIdp(options: StartIdpOptions): Promise<RunningIdp> {
  const { port, host, issuer: configuredIssuer, ...idpOptions } = options;
  let handler: RequestListener | undefined;
  const early: [IncomingMessage, ServerResponse][] = [];
  const server = createServer((req, res) => (handler ? handler(req, res) : early.push([req, res])));
  const { url, close } = await listen(server, port, host);
  try {
    const issuer = configuredIssuer ?? url;
    const provider = await createIdp({ ...idpOptions, issuer });
    handler = provider.callback();
    for (const [req, res] of early.splice(0)) handler(req, res);
    return {
      issuer,
      url,
      provider,
      close,
    };
  } catch (error) {
    for (const [, res] of early.splice(0)) res.writeHead(503, { connection: 'close' }).end();
    server.close();
    throw error;
  }
}
