import { defineConfig, type UserConfig } from 'tsdown';

/**
 * `pnpm build`: each service's server entry compiled to one ES module under its `dist-server/`, which production
 * runs with plain `node` (no tsx, no TypeScript at run time). The workspace packages (`@gatehouse/*`, published
 * as TypeScript sources) are bundled in; every other dependency stays an import, installed by
 * `pnpm deploy --prod` (see Dockerfile).
 */
const service = (dir: string, entry: string): UserConfig => ({
  name: dir,
  cwd: `apps/${dir}`,
  entry: { server: entry },
  outDir: 'dist-server',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  dts: false,
  clean: true,
  deps: { alwaysBundle: [/^@gatehouse\//] },
});

export default defineConfig([
  service('bff', 'src/server.ts'),
  service('idp', 'src/server.ts'),
  service('api', 'src/server.ts'),
  service('spa', 'server.ts'),
]);
