#!/usr/bin/env node
// How `pnpm start` shows its children's output: each line prefixed with the child's name ([bff]) and stripped
// of colour codes. The benchmarks pipe the BFF's access log through this same code (`node prefix-lines.mjs
// [bff]` reads stdin), since what it costs is part of what `pnpm start` costs.
import { pathToFileURL } from 'node:url';

// eslint-disable-next-line no-control-regex -- ANSI escape sequences are what this strips
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007]*\u0007/g;

/**
 * Copies a stream with `prefix` in front of every line. Chunk by chunk, not line by line: a chunk of many lines
 * (a busy BFF's access log) costs one write, not one per line; a line split across chunks waits for its end.
 */
export function prefixLines(stream, prefix, out) {
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    const text = partial + chunk;
    const end = text.lastIndexOf('\n');
    if (end === -1) {
      partial = text;
      return;
    }
    partial = text.slice(end + 1);
    const lines = text
      .slice(0, end)
      .replace(ANSI, '')
      .replace(/\r(?=\n|$)/g, '')
      .replaceAll('\n', `\n${prefix} `);
    out.write(`${prefix} ${lines}\n`);
  });
  stream.on('end', () => {
    if (partial) out.write(`${prefix} ${partial.replace(ANSI, '')}\n`);
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  prefixLines(process.stdin, process.argv[2] ?? '', process.stdout);
}
