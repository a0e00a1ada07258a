import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** What `@gatehouse/bff` exports must exist: `createApp(deps)`, the app without a listener. */
describe('the package exports', () => {
  const root = new URL('../../', import.meta.url);
  const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
    exports: Record<string, string>;
  };

  it.each(Object.entries(pkg.exports))('%s points at a file that exists', (_entry, target) => {
    expect(existsSync(new URL(target, root))).toBe(true);
  });

  it('exports createApp at its root', async () => {
    const entry = (await import(new URL(pkg.exports['.']!, root).href)) as { createApp?: unknown };
    expect(typeof entry.createApp).toBe('function');
  });
});
