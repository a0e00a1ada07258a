import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['apps/api', 'apps/bff', 'apps/idp', 'apps/spa', 'packages/react', 'packages/shared'],
  },
});
