import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain ES module script, no types
import { prefixLines } from '../../../../scripts/prefix-lines.mjs';

const LOGGER = fileURLToPath(new URL('../../src/logger.ts', import.meta.url));

/** Runs `code` in a fresh Node (with tsx) and answers its stdout. */
function run(code: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('close', () => resolve(out));
  });
}

describe('the log on stdout', () => {
  it('keeps every line logged right before the process exits, in order', async () => {
    const out = await run(`
      const { createLogger } = await import(${JSON.stringify(LOGGER)});
      const logger = createLogger('info');
      for (let i = 0; i < 2000; i++) logger.info({ n: i }, 'request');
      process.exit(0);
    `);
    const numbers = out
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { n: number }).n);
    expect(numbers).toEqual(Array.from({ length: 2000 }, (_, i) => i));
  });
});

describe('pnpm start’s view of it (scripts/prefix-lines.mjs)', () => {
  it('prefixes every line, whole lines only, whatever the chunks, without colour codes', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.on('data', (chunk: Buffer) => (shown += chunk.toString()));
    prefixLines(input, '[bff]', output);
    input.write('{"msg":"one"}\n{"msg":"t');
    input.write('wo"}\n');
    input.write('\u001b[31mred\u001b[0m\r\nlast without newline');
    input.end();
    await new Promise((resolve) => input.once('end', resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(shown).toBe('[bff] {"msg":"one"}\n[bff] {"msg":"two"}\n[bff] red\n[bff] last without newline\n');
  });
});
