import react from '@vitejs/plugin-react';
import { defineProject } from 'vitest/config';
import { reactAlias } from './react-alias.ts';

export default defineProject({
  plugins: [react()],
  resolve: {
    // Testing Library's React renderer drives react-dom itself; its Preact twin has the same API.
    alias: [{ find: /^@testing-library\/react$/, replacement: '@testing-library/preact' }, ...reactAlias],
    // The ES module builds of react-router (its CommonJS ones `require('react')` past the aliases).
    conditions: ['module-sync', 'module', 'browser', 'development|production'],
  },
  test: {
    name: 'spa',
    environment: 'jsdom',
    // Dependencies that import React are bundled too, so that they resolve it through the aliases above.
    server: { deps: { inline: [/react-router/, /preact/] } },
    include: ['test/**/*.test.{ts,tsx}'],
  },
});
