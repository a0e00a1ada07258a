#!/usr/bin/env node
// How `pnpm start` shows its children's output: each line prefixed with the child's name ([bff]) and stripped
// of colour codes. The benchmarks pipe the BFF's access log through this same code (`node prefix-lines.mjs
// [bff]` reads stdin), since what it costs is part of what `pnpm start` costs.
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

// eslint-disable-next-line no-control-regex -- ANSI escape sequences are what this strips
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007]*\u0007/g;

/** Copies a stream line by line with a prefix. */
export function prefixLines(stream, prefix, out) {
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
    out.write(`${prefix} ${line.replace(ANSI, '')}\n`);
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  prefixLines(process.stdin, process.argv[2] ?? '', process.stdout);
}
