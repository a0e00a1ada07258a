import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * The JavaScript a browser fetches on the first load of the SPA's production build: the entry script and module
 * preloads of `index.html`, plus everything they import statically (dynamic `import()` chunks load later).
 * Each file gzipped on its own, as a server sends it.
 */
export const FIRST_LOAD_BUDGET_BYTES = 110_000;

export interface FirstLoad {
  files: Array<{ file: string; bytes: number; gzipBytes: number }>;
  gzipBytes: number;
}

const HTML_REFERENCES = [
  /<script\b[^>]*\btype="module"[^>]*\bsrc="([^"]+)"/g,
  /<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g,
];
/** `import x from"./a.js"`, `import"./a.js"`, `export{x}from"./a.js"`; not `import("./a.js")`. */
const STATIC_IMPORT = /\b(?:import|export)\s*(?:[\w$*{}\s,]*?\bfrom\s*)?["']([^"'()]+\.js)["']/g;

export function firstLoadJs(distDir: string): FirstLoad {
  const html = readFileSync(join(distDir, 'index.html'), 'utf8');
  const pending = HTML_REFERENCES.flatMap((pattern) =>
    [...html.matchAll(pattern)].map((match) => join(distDir, match[1]!)),
  );
  const seen = new Set<string>();
  while (pending.length > 0) {
    const file = resolve(pending.pop()!);
    if (seen.has(file) || !file.endsWith('.js')) continue;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    for (const match of code.matchAll(STATIC_IMPORT)) {
      const spec = match[1]!;
      pending.push(spec.startsWith('/') ? join(distDir, spec) : join(dirname(file), spec));
    }
  }
  const files = [...seen].sort().map((file) => {
    const content = readFileSync(file);
    return {
      file: relative(distDir, file),
      bytes: content.length,
      gzipBytes: gzipSync(content, { level: 9 }).length,
    };
  });
  return { files, gzipBytes: files.reduce((sum, f) => sum + f.gzipBytes, 0) };
}
