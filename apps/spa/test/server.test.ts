// @vitest-environment node
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSpaEnv } from '../env.ts';
import { createSpaServer } from '../server.ts';

const appDir = path.resolve(import.meta.dirname, '..');
const realDist = path.join(appDir, 'dist');
const INDEX =
  '<!doctype html><html><head><script type="module" src="/assets/app-1234.js"></script></head></html>';

let dist: string;
let server: Server;
let base: string;

beforeAll(async () => {
  dist = mkdtempSync(path.join(tmpdir(), 'gatehouse-spa-'));
  mkdirSync(path.join(dist, 'assets'));
  writeFileSync(path.join(dist, 'index.html'), INDEX);
  writeFileSync(path.join(dist, 'assets', 'app-1234.js'), 'console.log("app")');
  writeFileSync(path.join(dist, 'config.json'), '{"bffUrl":"http://stale.example"}');
  server = createSpaServer({ distDir: dist, bffUrl: 'http://bff.example:4567' });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dist, { recursive: true, force: true });
});

function expectSecurityHeaders(response: Response) {
  const csp = response.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("style-src 'self'");
  expect(csp).toContain("connect-src 'self' http://bff.example:4567");
  expect(csp).toContain("form-action 'self' http://bff.example:4567");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("base-uri 'none'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).not.toContain('unsafe-inline');
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('x-frame-options')).toBe('DENY');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
}

describe('server.ts over real HTTP', () => {
  it('answers /config.json from its configuration (not the file in dist), uncached', async () => {
    const response = await fetch(`${base}/config.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ bffUrl: 'http://bff.example:4567', silentSignIn: false });
    expectSecurityHeaders(response);
  });

  it('falls back to index.html for app routes', async () => {
    for (const route of ['/', '/dashboard', '/sessions?x=1', '/deep/unknown/route']) {
      const response = await fetch(base + route);
      expect(response.status, route).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await response.text()).toBe(INDEX);
      expectSecurityHeaders(response);
    }
  });

  it('serves hashed assets with a long cache, and a missing file is a 404 with the same headers', async () => {
    const asset = await fetch(`${base}/assets/app-1234.js`);
    expect(asset.status).toBe(200);
    expect(await asset.text()).toBe('console.log("app")');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expectSecurityHeaders(asset);

    const missing = await fetch(`${base}/assets/nope-0000.js`);
    expect(missing.status).toBe(404);
    expectSecurityHeaders(missing);
    expect((await fetch(`${base}/robots.txt`)).status).toBe(404);
  });

  it('refuses other methods', async () => {
    const response = await fetch(`${base}/dashboard`, { method: 'POST', body: 'x' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
    expectSecurityHeaders(response);
  });

  it('refuses to start without a build, naming the command to run', () => {
    expect(() =>
      createSpaServer({ distDir: path.join(dist, 'missing'), bffUrl: 'http://x.example' }),
    ).toThrow(/pnpm --filter @gatehouse\/spa build/);
  });
});

describe('environment', () => {
  it('has working defaults and follows BFF_PORT / PUBLIC_BFF_URL', () => {
    expect(readSpaEnv({})).toEqual({
      port: 5173,
      host: undefined,
      bffUrl: 'http://localhost:3000',
      silentSignIn: false,
    });
    expect(readSpaEnv({ BFF_PORT: '3100', SPA_PORT: '0' })).toMatchObject({
      port: 0,
      bffUrl: 'http://localhost:3100',
    });
    expect(readSpaEnv({ PUBLIC_BFF_URL: 'https://bff.example.com/', SPA_HOST: '127.0.0.1' })).toEqual({
      port: 5173,
      host: '127.0.0.1',
      bffUrl: 'https://bff.example.com',
      silentSignIn: false,
    });
    expect(readSpaEnv({ SPA_SILENT_SIGN_IN: 'true' }).silentSignIn).toBe(true);
    expect(readSpaEnv({ SPA_SILENT_SIGN_IN: '0' }).silentSignIn).toBe(false);
  });

  it.each([
    ['SPA_PORT', 'abc'],
    ['SPA_PORT', '70000'],
    ['BFF_PORT', '0'],
    ['PUBLIC_BFF_URL', 'localhost:3000'],
    ['PUBLIC_BFF_URL', 'ftp://bff.example'],
    ['PUBLIC_BFF_URL', 'http://bff.example/?x=1'],
    ['SPA_SILENT_SIGN_IN', 'yes'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => readSpaEnv({ [name]: value })).toThrow(new RegExp(`^Invalid environment variable ${name}:`));
  });

  it('the process fails fast on a bad variable', async () => {
    const { code, output } = await run({ SPA_PORT: 'not-a-port' });
    expect(code).toBe(1);
    expect(output).toContain('Invalid environment variable SPA_PORT');
  });
});

describe('the real build', () => {
  // The production build is what these tests are about: made here when a fresh checkout has none yet.
  beforeAll(async () => {
    if (existsSync(path.join(realDist, 'index.html'))) return;
    const vite = path.join(appDir, 'node_modules', 'vite', 'bin', 'vite.js');
    const { code, output } = await exec(process.execPath, [vite, 'build', '--logLevel', 'error'], {});
    if (code !== 0) throw new Error(`vite build failed: ${output}`);
  }, 120_000);

  it('has no inline script or style that the CSP would block', () => {
    const html = readFileSync(path.join(realDist, 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc="\/assets\//);
      expect(body?.trim()).toBe('');
    }
    expect(html).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=/i);
  });

  it('runs as a process, serves the app and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
      cwd: appDir,
      env: {
        ...process.env,
        SPA_PORT: '0',
        SPA_HOST: '127.0.0.1',
        PUBLIC_BFF_URL: 'http://127.0.0.1:3999',
        SPA_SILENT_SIGN_IN: 'true',
      },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const port = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start: ${output}`)), 15_000);
        child.stdout.on('data', () => {
          const match = /localhost:(\d+)/.exec(output);
          if (match?.[1]) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
      });
      const config = await fetch(`http://127.0.0.1:${port}/config.json`);
      expect(await config.json()).toEqual({ bffUrl: 'http://127.0.0.1:3999', silentSignIn: true });
      const page = await fetch(`http://127.0.0.1:${port}/dashboard`);
      expect(await page.text()).toContain('<div id="root">');
      expect(page.headers.get('content-security-policy')).toContain(
        "connect-src 'self' http://127.0.0.1:3999",
      );
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 20_000);
});

function run(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return exec(process.execPath, ['--import', 'tsx', 'server.ts'], env);
}

function exec(
  command: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: appDir, env: { ...process.env, ...env } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}
