import react from '@vitejs/plugin-react';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { defineConfig, type Plugin } from 'vite';
import { readSpaEnv, runtimeConfigBody } from './env.ts';

/**
 * `vite dev` / `vite preview` answer `/config.json` from the environment, like `server.ts` does in
 * production (`public/config.json` only holds the default, for other static hosts).
 */
function runtimeConfig(): Plugin {
  const handler = (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    if (req.url?.split('?')[0] !== '/config.json') return next();
    const body = runtimeConfigBody(readSpaEnv());
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.end(body);
  };
  return {
    name: 'gatehouse-runtime-config',
    configureServer: (server) => void server.middlewares.use(handler),
    configurePreviewServer: (server) => void server.middlewares.use(handler),
  };
}

export default defineConfig(() => {
  const env = readSpaEnv();
  return {
    plugins: [react(), runtimeConfig()],
    server: { port: env.port, host: env.host, strictPort: true },
    preview: { port: env.port, host: env.host, strictPort: true },
    build: {
      target: 'es2022',
      sourcemap: false,
      rolldownOptions: {
        output: {
          // Libraries change far less often than the app: separate chunks stay cached across releases.
          codeSplitting: {
            groups: [
              {
                name: 'react',
                test: /[\\/]node_modules[\\/](react|react-dom|scheduler|react-router|react-router-dom)[\\/]/,
              },
            ],
          },
        },
      },
    },
  };
});
