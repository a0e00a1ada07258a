import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { completion, spawnTracked } from './processes.ts';

/**
 * The load client: wrk, one thread, keep-alive connections, one request in flight per connection (no
 * pipelining). What to send is a `LoadTarget`; wrk gets it as a generated Lua script, and that script's `done`
 * prints the summary as one JSON line. A fixed rate is paced wrk2-style by Lua's `delay()`: every connection
 * waits a fixed gap between a response and its next request, so C connections × (1000 / gap) ≈ the rate.
 */

/** One request per distinct state: `<before><n, zero-padded to width><after>` with n = 1, 2, 3, ... */
export interface PathSequence {
  before: string;
  width: number;
  after: string;
}

export interface LoadTarget {
  /** The server's origin, `http://127.0.0.1:<port>`. */
  url: string;
  method?: 'GET' | 'POST';
  body?: string;
  /** Headers of every request. */
  headers: Record<string, string>;
  /** The path of every request, or a sequence of distinct paths. */
  path: string | { sequence: PathSequence };
  /** One header that takes each of these values in turn (e.g. the cookies of many sessions). */
  rotate?: { header: string; values: string[] };
  /** Checked on every response (costs a little client CPU); a mismatch counts as an error. */
  expect?: { status: number; locationPrefix?: string };
}

export interface LoadOptions {
  connections: number;
  durationS: number;
  /** Requests per second, paced; absent: as fast as the server answers. */
  rate?: number;
  core: number | null;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  /** Socket errors, timeouts, 4xx/5xx answers and failed `expect` checks. */
  errors: number;
  errorDetail: string;
  latencyUs: { p50: number; p90: number; p99: number; max: number; mean: number };
}

const PACING_GAP_MS = 10;

const lua = (value: string): string => JSON.stringify(value); // a JSON string literal is a valid Lua string
const luaTable = (headers: Record<string, string>): string =>
  `{${Object.entries(headers)
    .map(([name, value]) => `[${lua(name)}] = ${lua(value)}`)
    .join(', ')}}`;

function requestPart(target: LoadTarget): string {
  const method = lua(target.method ?? 'GET');
  const body = target.body === undefined ? 'nil' : lua(target.body);
  const lines = [`wrk.method = ${method}`, `wrk.body = ${body}`, `wrk.headers = ${luaTable(target.headers)}`];
  const { path, rotate } = target;
  if (typeof path !== 'string') {
    if (rotate) throw new Error('a path sequence cannot rotate a header as well');
    const { before, width, after } = path.sequence;
    lines.push(
      'local n = 0',
      `request = function() n = n + 1; return wrk.format(nil, ${lua(before)} .. string.format("%0${width}d", n) .. ${lua(after)}) end`,
    );
  } else if (!rotate) {
    // One request: wrk formats it once and sends the same bytes every time, no Lua per request.
    lines.push(`wrk.path = ${lua(path)}`);
  } else {
    // Formatted once each in init; per request, Lua only picks the next one.
    lines.push(
      `local values = {${rotate.values.map(lua).join(',')}}`,
      'local formatted, i = {}, 0',
      'init = function(args)',
      '  for k, value in ipairs(values) do',
      '    local headers = {}',
      '    for name, v in pairs(wrk.headers) do headers[name] = v end',
      `    headers[${lua(rotate.header)}] = value`,
      `    formatted[k] = wrk.format(nil, ${lua(path)}, headers)`,
      '  end',
      'end',
      'request = function() i = i % #formatted + 1; return formatted[i] end',
    );
  }
  return lines.join('\n');
}

function expectPart(target: LoadTarget): string {
  if (!target.expect) return '';
  const { status, locationPrefix } = target.expect;
  const location = locationPrefix
    ? `local l = headers["Location"] or headers["location"] or ""
  if l:sub(1, ${Buffer.byteLength(locationPrefix)}) ~= ${lua(locationPrefix)} then mismatches = mismatches + 1 end`
    : '';
  return `mismatches = 0
response = function(status, headers, body)
  if status ~= ${status} then mismatches = mismatches + 1; return end
  ${location}
end`;
}

function pacingPart(gapMs: number | null): string {
  return gapMs === null ? '' : `delay = function() return ${gapMs} end`;
}

const DONE = `
local threads = {}
setup = function(thread) table.insert(threads, thread) end
done = function(summary, latency, requests)
  local mismatches = 0
  for _, t in ipairs(threads) do mismatches = mismatches + (t:get("mismatches") or 0) end
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"durationUs":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"mismatches":%d,"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%f}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout, mismatches,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end`;

interface WrkJson {
  requests: number;
  durationUs: number;
  connect: number;
  read: number;
  write: number;
  status: number;
  timeout: number;
  mismatches: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

function toResult(json: WrkJson): LoadResult {
  const seconds = json.durationUs / 1e6;
  const errorKinds = ['connect', 'read', 'write', 'timeout', 'status', 'mismatches'] as const;
  const errors = errorKinds.reduce((sum, kind) => sum + json[kind], 0);
  return {
    requests: json.requests,
    seconds,
    rps: json.requests / seconds,
    errors,
    errorDetail: errorKinds
      .filter((kind) => json[kind] > 0)
      .map((kind) => `${kind} ${json[kind]}`)
      .join(', '),
    latencyUs: { p50: json.p50, p90: json.p90, p99: json.p99, max: json.max, mean: json.mean },
  };
}

/** Connections and the gap between a response and the next request that pace `rate` requests per second. */
export function pacing(rate: number): { connections: number; gapMs: number } {
  const connections = Math.max(1, Math.round((rate * PACING_GAP_MS) / 1000));
  return { connections, gapMs: Math.max(1, Math.round((connections * 1000) / rate)) };
}

export async function runLoad(target: LoadTarget, options: LoadOptions): Promise<LoadResult> {
  const paced = options.rate === undefined ? null : pacing(options.rate);
  const connections = paced?.connections ?? options.connections;
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-wrk-'));
  try {
    const script = join(dir, 'load.lua');
    writeFileSync(
      script,
      [requestPart(target), expectPart(target), pacingPart(paced?.gapMs ?? null), DONE].join('\n'),
    );
    const args = ['-t1', `-c${connections}`, `-d${options.durationS}s`, '--timeout', '10s', '-s', script];
    const { code, stdout, stderr } = await completion(
      spawnTracked('wrk', [...args, target.url], options.core, { stdio: ['ignore', 'pipe', 'pipe'] }),
    );
    const line = stdout.split('\n').find((l) => l.startsWith('WRK_RESULT '));
    if (code !== 0 || !line) {
      throw new Error(`wrk failed (exit ${code}) against ${target.url}:\n${stderr}${stdout}`);
    }
    return toResult(JSON.parse(line.slice('WRK_RESULT '.length)) as WrkJson);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
