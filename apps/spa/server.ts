/**
 * The SPA's production server: serves `dist/` with an SPA fallback to `index.html`, answers `/config.json`
 * from the environment (so one build works with any BFF URL), and sets security headers on every response.
 */
import { existsSync, realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import sirv from 'sirv';
import { EnvError, readSpaEnv, runtimeConfigBody } from './env.ts';

export interface SpaServerOptions {
  /** The Vite build output; must contain `index.html`. */
  distDir: string;
  /** The BFF's public base URL, handed to the SPA in `/config.json` and allowed by the CSP. */
  bffUrl: string;
  /** Handed to the SPA in `/config.json`: try a silent sign-in once per tab on load (default false). */
  silentSignIn?: boolean;
}

export function securityHeaders(bffUrl: string): Record<string, string> {
  const bff = new URL(bffUrl).origin;
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: https:",
    `connect-src 'self' ${bff}`,
    `form-action 'self' ${bff}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join('; ');
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  };
}

export function createSpaServer({ distDir, bffUrl, silentSignIn = false }: SpaServerOptions): Server {
  const indexFile = path.join(distDir, 'index.html');
  if (!existsSync(indexFile)) {
    throw new Error(`No SPA build at ${distDir}: run \`pnpm --filter @gatehouse/spa build\` first.`);
  }
  const headers = securityHeaders(bffUrl);
  const configBody = runtimeConfigBody({ bffUrl, silentSignIn });
  const assets = sirv(distDir, {
    dev: false,
    etag: true,
    dotfiles: false,
    setHeaders: (res, pathname) => {
      // Hashed build assets never change; everything else is revalidated.
      res.setHeader(
        'Cache-Control',
        pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });

  function send(
    res: ServerResponse,
    req: IncomingMessage,
    status: number,
    type: string,
    body: string | Buffer,
  ) {
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  async function fallback(req: IncomingMessage, res: ServerResponse, pathname: string) {
    // A missing file (anything with an extension, or under /assets/) is a real 404, not the app.
    if (pathname.startsWith('/assets/') || /\.[a-z0-9]+$/i.test(pathname)) {
      send(res, req, 404, 'text/plain; charset=utf-8', 'Not found\n');
      return;
    }
    const html = await readFile(indexFile);
    res.setHeader('Cache-Control', 'no-cache');
    send(res, req, 200, 'text/html; charset=utf-8', html);
  }

  return createServer((req, res) => {
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    const pathname = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      send(res, req, 405, 'text/plain; charset=utf-8', 'Method not allowed\n');
      return;
    }
    if (pathname === '/config.json') {
      res.setHeader('Cache-Control', 'no-store');
      send(res, req, 200, 'application/json; charset=utf-8', configBody);
      return;
    }
    assets(req, res, () => {
      fallback(req, res, pathname).catch(() => {
        if (!res.headersSent) send(res, req, 500, 'text/plain; charset=utf-8', 'Internal server error\n');
        else res.destroy();
      });
    });
  });
}

function main(): void {
  let env;
  try {
    env = readSpaEnv(process.env);
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  // From source this file sits beside `dist/`; built (`pnpm build`), it runs from `dist-server/`, a sibling.
  const here = import.meta.dirname;
  const distDir = path.join(path.basename(here) === 'dist-server' ? path.dirname(here) : here, 'dist');
  if (!existsSync(path.join(distDir, 'index.html'))) {
    console.error(`No SPA build at ${distDir}: run \`pnpm --filter @gatehouse/spa build\` first.`);
    process.exit(1);
  }
  const server = createSpaServer({ distDir, bffUrl: env.bffUrl, silentSignIn: env.silentSignIn });
  server.on('error', (error: NodeJS.ErrnoException) => {
    const hint = error.code === 'EADDRINUSE' ? ` (port in use: set SPA_PORT to another port)` : '';
    console.error(`SPA server failed: ${error.message}${hint}`);
    process.exit(1);
  });
  server.listen({ port: env.port, host: env.host }, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : env.port;
    console.log(`Gatehouse SPA listening on http://localhost:${port} (BFF: ${env.bffUrl})`);
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping the SPA server`);
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => {
      server.closeAllConnections();
      process.exit(0);
    }, 3000).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(realpathSync(entry)).href) main();
