import { createServer } from 'node:http';
import { Agent, stream } from 'undici';
import { childOptions, listenOnLoopback, serveParent } from './child.ts';

/**
 * A reference, not a product: the least a token-relaying proxy can do — node:http in, undici out (the client
 * Gatehouse's proxy uses, on a keep-alive pool), a bearer token added, the upstream's status, content headers
 * and body streamed back. No session, no token to open, no header filtering, no framework: what this costs
 * over the client calling the upstream directly is the second HTTP exchange alone.
 */
export interface BareRelayOptions {
  /** The upstream's origin; `/api/proxy/notes/<rest>` goes to `<upstream>/notes/<rest>`. */
  upstream: string;
  accessToken: string;
}

const PREFIX = '/api/proxy/notes';
const { upstream, accessToken } = childOptions<BareRelayOptions>();
const agent = new Agent({ keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000, connections: 256 });
const authorization = `Bearer ${accessToken}`;

const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  const path = req.url?.startsWith(PREFIX) ? `/notes${req.url.slice(PREFIX.length)}` : null;
  if (!path) {
    res.writeHead(404).end();
    return;
  }
  stream(
    `${upstream}${path}`,
    { method: 'GET', headers: { accept: 'application/json', authorization }, dispatcher: agent },
    ({ statusCode, headers }) => {
      const type = headers['content-type'];
      const length = headers['content-length'];
      res.writeHead(statusCode, {
        ...(typeof type === 'string' ? { 'Content-Type': type } : {}),
        ...(typeof length === 'string' ? { 'Content-Length': length } : {}),
      });
      return res;
    },
  ).catch(() => {
    if (!res.headersSent) res.writeHead(502).end();
  });
});
serveParent(await listenOnLoopback(server), {}, {}, async () => {
  server.closeAllConnections();
  server.close();
  await agent.close();
});
