import type { Alias } from 'vite';

/**
 * The SPA is written against React's API and ships Preact (`preact/compat`) in its place: the same components,
 * hooks and react-router, for a fraction of react-dom's size (see docs/decisions/010-preact-compat.md). Vite
 * (build and dev) and Vitest both resolve through these aliases, so what the tests run is what ships.
 */
export const reactAlias: Alias[] = [
  { find: /^react-dom\/test-utils$/, replacement: 'preact/test-utils' },
  { find: /^react-dom\/client$/, replacement: 'preact/compat/client' },
  { find: /^react\/jsx-runtime$/, replacement: 'preact/compat/jsx-runtime' },
  { find: /^react\/jsx-dev-runtime$/, replacement: 'preact/compat/jsx-dev-runtime' },
  { find: /^react(-dom)?$/, replacement: 'preact/compat' },
];
