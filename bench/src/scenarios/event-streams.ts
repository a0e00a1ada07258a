import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import { SPA_ORIGIN } from '../fixtures/oidc.ts';
import { formatBudget, judge, type Budget, type Row } from '../report/model.ts';
import { startChild } from '../runner/child-server.ts';
import type { HeapFigures, StreamServerInfo, StreamServerOptions } from '../streams/serve.ts';
import type { Scenario } from './scenario.ts';

/** The bounds: an open stream costs the BFF at most 10 kB; a revoke reaches every stream within 1 s. */
const MEMORY_BUDGET: Budget = { max: 10_000 };
const FANOUT_BUDGET: Budget = { max: 1_000 };
const OPEN_BATCH = 100;

interface OpenStream {
  req: ClientRequest;
  res: IncomingMessage;
  ended: Promise<number>;
}

/** Opens one event stream and resolves once its first `session` event arrived. */
function openStream(url: string, cookie: string): Promise<OpenStream> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/api/session/events`, {
      agent: false,
      headers: { cookie, Origin: SPA_ORIGIN, Accept: 'text/event-stream' },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`event stream answered ${res.statusCode}`));
        res.resume();
        return;
      }
      res.setEncoding('utf8');
      let text = '';
      let opened = false;
      let endedAt: (at: number) => void = () => {};
      const ended = new Promise<number>((done) => (endedAt = done));
      res.on('data', (chunk: string) => {
        text += chunk;
        if (!opened && text.includes('event: session')) {
          opened = true;
          resolve({ req, res, ended });
        }
        if (text.includes('event: ended')) endedAt(performance.now());
      });
      res.on('error', () => {});
    });
    req.end();
  });
}

function send(url: string, method: string, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, agent: false, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Open `GET /api/session/events` streams against the BFF in a process of its own: the memory each costs it (heap
 * and external memory after full collections, before and after opening them), and how long a sign-out
 * everywhere takes to reach all of them with `ended` (from sending the DELETE to the last stream's event).
 */
export const eventStreamsScenario: Scenario = {
  id: 'event-streams',
  servers: [],
  async run({ profile, cores, log }) {
    const count = profile.eventStreams;
    const child = await startChild<StreamServerInfo>(
      'event stream server',
      new URL('../streams/serve.ts', import.meta.url),
      { sessions: count } satisfies StreamServerOptions,
      { core: cores.serverCore, nodeArgs: ['--expose-gc'] },
    );
    const streams: OpenStream[] = [];
    try {
      const { cookieName, cookies } = child.info;
      const cookie = (id: string): string => `${cookieName}=${id}`;
      const before = await child.call<HeapFigures>('heap');
      for (let start = 0; start < cookies.length; start += OPEN_BATCH) {
        const batch = cookies.slice(start, start + OPEN_BATCH);
        streams.push(...(await Promise.all(batch.map((id) => openStream(child.url, cookie(id))))));
      }
      const after = await child.call<HeapFigures>('heap');
      const perStream = (after.bytes - before.bytes) / count;
      log(`  ${count} event streams open: ${Math.round(perStream)} B each`);

      const sent = performance.now();
      const status = await send(child.url, 'DELETE', '/api/sessions', {
        cookie: cookie(cookies[0]!),
        'X-CSRF': '1',
        Origin: SPA_ORIGIN,
      });
      if (status !== 204) throw new Error(`DELETE /api/sessions answered ${status}`);
      const last = Math.max(...(await Promise.all(streams.map((s) => s.ended))));
      const fanoutMs = last - sent;

      const title = `${count.toLocaleString('en')} open event streams, one replica (memory store)`;
      const row = (figure: string, value: number, budget: Budget, unit: string): Row => ({
        scenario: title,
        baseline: '—',
        figure,
        value: `${Math.round(value).toLocaleString('en')} ${unit}`,
        budget: `${formatBudget(budget)} ${unit}`,
        verdict: judge(value, budget),
      });
      return {
        id: 'event-streams',
        rows: [
          row('BFF memory per open stream (heap + external)', perStream, MEMORY_BUDGET, 'B'),
          row('sign-out everywhere → last stream told `ended`', fanoutMs, FANOUT_BUDGET, 'ms'),
        ],
        details: [
          `- **${title}**: ${Math.round(perStream).toLocaleString('en')} B of BFF memory per stream ` +
            `(${((after.bytes - before.bytes) / 1e6).toFixed(1)} MB for ${count}); the revoke reached all ` +
            `${count} in ${fanoutMs.toFixed(0)} ms`,
        ],
        errors: [],
      };
    } finally {
      for (const s of streams) s.req.destroy();
      await child.stop();
    }
  },
};
