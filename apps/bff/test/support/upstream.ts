import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiConfig } from '../../src/config/providers-file.ts';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  bodyBytes: number;
}

/**
 * An upstream API for proxy tests. `/base/echo...` answers what it received; `/base/slow` answers after 2 s;
 * `/base/stream` sends one chunk, then waits for `release()` before the second; it also tries to set a cookie
 * and hop-by-hop headers that must not reach the browser.
 */
export async function startUpstream() {
  const seen: SeenRequest[] = [];
  let release: () => void = () => undefined;
  const server = createServer(async (req, res) => {
    let bodyBytes = 0;
    try {
      for await (const chunk of req) bodyBytes += (chunk as Buffer).length;
    } catch {
      return; // the caller aborted the request before its body ended: nothing was received
    }
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, bodyBytes });
    if (req.url?.startsWith('/base/slow')) {
      setTimeout(() => res.end('late'), 2000).unref();
      return;
    }
    if (req.url?.startsWith('/base/stream')) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first;');
      release = () => res.end('second');
      return;
    }
    if (req.url?.startsWith('/base/status/')) {
      res.writeHead(Number(req.url.split('/')[3]), { 'content-type': 'application/json' });
      res.end(JSON.stringify({ upstream: true }));
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/json',
      'set-cookie': 'upstream=1; Path=/',
      'x-upstream': 'yes',
      connection: 'keep-alive, x-hop',
      'x-hop': 'secret-hop',
      'cache-control': 'public, max-age=3600',
    });
    res.end(
      JSON.stringify({
        method: req.method,
        url: req.url,
        authorization: req.headers.authorization ?? null,
        bodyBytes,
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://localhost:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    release: () => release(),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The `echo` API most proxy tests declare: `<upstream>/base`, GET, the dev provider; what a test needs differs. */
export function echoApi(upstreamUrl: string, overrides: Partial<ApiConfig> = {}): ApiConfig {
  return {
    name: 'echo',
    baseUrl: `${upstreamUrl}/base`,
    provider: 'dev',
    methods: ['GET'],
    timeoutMs: 5000,
    allowInsecureHttp: true,
    ...overrides,
  };
}
