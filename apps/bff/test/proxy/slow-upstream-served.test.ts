import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstPartyClient, signInAtIdp, startIdp, type RunningIdp } from '@gatehouse/idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBffProcess, type BffProcess } from '../support/bff-process.ts';
import { CookieJar } from '../support/cookie-jar.ts';
import { sparePort, until } from '../support/redis-server.ts';

/**
 * Issue 11, bug 2, as a user runs it: the BFF process started as `pnpm start` starts it (server.ts, the file
 * store), configured only through PROVIDERS_FILE with an API of `timeoutMs: 2000` whose `/slow` answers after
 * 15 s, on a plain node:http upstream with its default 5 s keep-alive. One slow call (504), then — once the late
 * answer has gone out and the upstream has dropped every idle connection, which is where the reporter stood
 * 40 s later — 20 ordinary calls in parallel must all reach the API and get its answer.
 */
const SPA = 'http://localhost:5173';
const LATE_MS = 15_000;
let idp: RunningIdp;
let bff: BffProcess;
let upstream: Server;
let dir: string;
const open = new Set<Socket>();
const reached: string[] = [];
let lateAnswerSent: Promise<void>;

beforeAll(async () => {
  let sent: () => void = () => undefined;
  lateAnswerSent = new Promise((resolve) => (sent = resolve));
  upstream = createServer((req, res) => {
    if (req.url === '/slow') {
      // Answers on the connection it came in on, whether or not the caller is still there.
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ late: true }));
        sent();
      }, LATE_MS).unref();
      return;
    }
    reached.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ url: req.url }));
  });
  upstream.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  });
  await new Promise<void>((resolve) => upstream.listen(0, resolve)); // Node's defaults, keep-alive 5 s
  const upstreamPort = (upstream.address() as { port: number }).port;

  const port = await sparePort();
  const bffUrl = `http://localhost:${port}`;
  idp = await startIdp({
    port: 0,
    clients: [
      firstPartyClient({
        clientId: 'gatehouse',
        clientSecret: 'gatehouse-dev-secret',
        publicBffUrl: bffUrl,
        spaOrigins: [SPA],
      }),
    ],
  });
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-slow-'));
  const providersFile = join(dir, 'providers.json');
  writeFileSync(
    providersFile,
    JSON.stringify({
      providers: [
        {
          name: 'corp',
          label: 'Corp',
          issuer: idp.issuer,
          clientId: 'gatehouse',
          clientSecret: 'gatehouse-dev-secret',
          scopes: ['openid', 'profile', 'email', 'offline_access'],
          allowInsecureHttp: true,
        },
      ],
      apis: [
        {
          name: 'orders',
          baseUrl: `http://localhost:${upstreamPort}`,
          provider: 'corp',
          methods: ['GET'],
          timeoutMs: 2000,
          allowInsecureHttp: true,
        },
      ],
    }),
  );
  bff = await startBffProcess(
    {
      PROVIDERS_FILE: providersFile,
      SPA_ORIGINS: SPA,
      SESSION_FILE: join(dir, 'sessions.sqlite'),
      SESSION_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    },
    port,
  );
  await until(
    () => fetch(`${bff.url}/readyz`).then((r) => r.status),
    (status) => status === 200,
    20_000,
  );
}, 60_000);

afterAll(async () => {
  await bff?.stop();
  await idp?.close();
  upstream?.closeAllConnections();
  await new Promise<void>((resolve) => (upstream ? upstream.close(() => resolve()) : resolve()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function call(jar: CookieJar, path: string): Promise<Response> {
  const response = await fetch(`${bff.url}${path}`, {
    redirect: 'manual',
    headers: { cookie: jar.header(), 'X-CSRF': '1' },
  });
  jar.store(response);
  return response;
}

describe('one slow answer from an API, in the BFF process', () => {
  it('answers 504 upstream_timeout, and 20 later calls all reach the API and get its answer', async () => {
    const jar = new CookieJar();
    const login = await call(jar, '/auth/login?provider=corp');
    const { redirectUrl } = await signInAtIdp(login.headers.get('location')!, 'alice', 'wonderland');
    const callback = new URL(redirectUrl);
    expect((await call(jar, callback.pathname + callback.search)).headers.get('location')).toBe(`${SPA}/`);

    const slow = await call(jar, '/api/proxy/orders/slow');
    expect(slow.status).toBe(504);
    expect(await slow.json()).toMatchObject({ error: 'upstream_timeout' });

    await lateAnswerSent;
    // What 40 s of quiet leave behind: no connection the upstream still holds open.
    await until(
      () => Promise.resolve(open.size),
      (size) => size === 0,
      15_000,
    );

    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => call(jar, `/api/proxy/orders/n/${i}`)),
    );
    const answers = await Promise.all(
      responses.map(async (r) => ({ status: r.status, body: await r.json() })),
    );
    expect(answers).toEqual(
      Array.from({ length: 20 }, (_, i) => ({ status: 200, body: { url: `/n/${i}` } })),
    );
    expect(reached.filter((url) => url.startsWith('/n/')).sort()).toHaveLength(20);
  }, 60_000);
});
