#!/usr/bin/env node
// `pnpm start`: the whole product on its embedded defaults, with no configuration at all.
// Builds the SPA while it starts the dev IdP (with its GitHub-like OAuth 2 sibling) and the notes API, then the
// BFF once the IdP answers and the SPA server once the build is done, as child processes, their output prefixed ([idp], [api], [bff], [spa]) and free of colour codes.
// Prints the URL to open once all of them answer.
// If any child exits, the others are stopped and this exits non-zero; SIGINT/SIGTERM stop them all.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { prefixLines } from './prefix-lines.mjs';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
delete env.npm_config_color;

const port = (name, fallback) => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    console.error(`[start] ${name} must be a TCP port (1-65535), got "${raw}"`);
    process.exit(1);
  }
  return value;
};
const idpPort = port('IDP_PORT', 4000);
const bffPort = port('BFF_PORT', 3000);
const spaPort = port('SPA_PORT', 5173);
const apiPort = port('API_PORT', 4100);

const services = [
  {
    name: 'idp',
    args: ['--silent', '--filter', '@gatehouse/idp', 'start'],
    ready: `http://localhost:${idpPort}/.well-known/openid-configuration`,
  },
  {
    name: 'api',
    args: ['--silent', '--filter', '@gatehouse/api', 'start'],
    ready: `http://localhost:${apiPort}/healthz`,
  },
  {
    name: 'bff',
    args: ['--silent', '--filter', '@gatehouse/bff', 'start'],
    ready: `http://localhost:${bffPort}/readyz`,
  },
  {
    name: 'spa',
    args: ['--silent', '--filter', '@gatehouse/spa', 'start'],
    ready: `http://localhost:${spaPort}/`,
  },
];
const READY_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 5_000;

const log = (line) => process.stdout.write(`[start] ${line}\n`);

/** Runs pnpm in its own process group (so the whole tree — pnpm, tsx, node — can be signalled). */
function runPnpm(name, args) {
  const child = spawn('pnpm', args, {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: process.platform !== 'win32',
    shell: process.platform === 'win32',
  });
  prefixLines(child.stdout, `[${name}]`, process.stdout);
  prefixLines(child.stderr, `[${name}]`, process.stderr);
  child.exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
    child.on('error', (error) => {
      process.stderr.write(`[${name}] failed to start: ${error.message}\n`);
      resolve({ code: 1, signal: null });
    });
  });
  return child;
}

function signalTree(child, signal) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    if (process.platform === 'win32') child.kill(signal);
    else process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

const children = new Map();
let stopping = false;

/** Stops every running child: SIGTERM, then SIGKILL after a grace period. Exits with `code`. */
async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  const running = [...children.entries()].filter(([, c]) => c.exitCode === null && c.signalCode === null);
  if (running.length > 0) log(`stopping ${running.map(([name]) => name).join(', ')}`);
  for (const [, child] of running) signalTree(child, 'SIGTERM');
  const timer = setTimeout(() => {
    for (const [, child] of running) signalTree(child, 'SIGKILL');
  }, STOP_GRACE_MS);
  await Promise.all(running.map(([, child]) => child.exited));
  clearTimeout(timer);
  process.exit(code);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (!stopping) log(`${signal} received`);
    void stopAll(0);
  });
}

function start(service) {
  const child = runPnpm(service.name, service.args);
  children.set(service.name, child);
  void child.exited.then(({ code, signal }) => {
    if (stopping) return;
    log(`${service.name} exited (${signal ?? `code ${code}`}); stopping the others`);
    void stopAll(code && code > 0 ? code : 1);
  });
  return child;
}

async function waitReady(service) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (stopping) return new Promise(() => {});
    try {
      const response = await fetch(service.ready, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  log(`${service.name} did not answer ${service.ready} within ${READY_TIMEOUT_MS / 1000}s`);
  await stopAll(1);
}

async function main() {
  // The SPA build (a good minute on two cores) overlaps the start of the IdP, the notes API and the BFF, which do
  // not need it; only the SPA server waits for it.
  log('building the SPA while the IdP, the notes API and the BFF start');
  const build = runPnpm('build', ['--filter', '@gatehouse/spa', 'build']);
  children.set('build', build);
  const built = build.exited.then((result) => {
    children.delete('build');
    if (!stopping && result.code !== 0) {
      log(`SPA build failed (${result.signal ?? `code ${result.code}`})`);
      void stopAll(result.code || 1);
    }
    return result;
  });

  // The IdP and the notes API at once (the API fetches the IdP's keys on first use); the BFF once the IdP
  // answers, since it discovers the IdP when it starts.
  const [idp, api, bff, spa] = services;
  start(idp);
  start(api);
  await waitReady(idp);
  if (stopping) return;
  start(bff);
  const servers = Promise.all([api, bff].map(waitReady));
  if ((await built).code !== 0 || stopping) return;
  start(spa);
  await Promise.all([servers, waitReady(spa)]);
  if (stopping) return;

  log(
    `ready: IdP http://localhost:${idpPort}, notes API http://localhost:${apiPort}, BFF http://localhost:${bffPort}, SPA http://localhost:${spaPort}`,
  );
  log(`open http://localhost:${spaPort} (Ctrl+C to stop)`);
}

main().catch((error) => {
  process.stderr.write(`[start] ${error instanceof Error ? error.stack : String(error)}\n`);
  void stopAll(1);
});
