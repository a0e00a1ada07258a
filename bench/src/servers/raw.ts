import { createServer } from 'node:http';
import { childOptions, listenOnLoopback, serveParent } from './child.ts';

/**
 * The baseline: bare `node:http` with nothing in between. `/auth/login` answers a 302 to `location`; every other
 * path answers `json` (the same body Gatehouse answers, and the upstream API of the proxy scenario).
 */
export interface RawOptions {
  json: string;
  location: string;
}

const { json, location } = childOptions<RawOptions>();
const body = Buffer.from(json);
const jsonHeaders = { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length };
const redirectHeaders = { Location: location, 'Content-Length': 0 };

const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  if (req.url?.startsWith('/auth/login')) {
    res.writeHead(302, redirectHeaders).end();
  } else {
    res.writeHead(200, jsonHeaders).end(body);
  }
});
serveParent(await listenOnLoopback(server), {});
