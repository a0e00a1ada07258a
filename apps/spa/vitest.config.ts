import react from '@vitejs/plugin-react';
import { defineProject } from 'vitest/config';
import { reactAlias } from './react-alias.ts';

export default defineProject({
  plugins: [react()],
  resolve: { alias: reactAlias },
  test: {
    name: 'spa',
    environment: 'jsdom',
    include: ['test/**/*.test.{ts,tsx}'],
  },
});
