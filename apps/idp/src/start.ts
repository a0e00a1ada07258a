import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
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

function listen(server: Server, port: number, host: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function urlHost(host: string | undefined): string {
  if (!host || host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
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
  await listen(server, port, host);
  try {
    const { port: bound } = server.address() as AddressInfo;
    const url = `http://${urlHost(host)}:${bound}`;
    const issuer = configuredIssuer ?? url;
    const provider = await createIdp({ ...idpOptions, issuer });
    handler = provider.callback();
    for (const [req, res] of early.splice(0)) handler(req, res);
    return {
      issuer,
      url,
      provider,
      close: () =>
        new Promise<void>((resolve, reject) => {
          server.close((error) => (error ? reject(error) : resolve()));
          // Browsers and fetch keep connections alive; without this close() would wait for them to time out.
          server.closeAllConnections();
        }),
    };
  } catch (error) {
    for (const [, res] of early.splice(0)) res.writeHead(503, { connection: 'close' }).end();
    server.close();
    throw error;
  }
}
