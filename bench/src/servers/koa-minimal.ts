import { createServer } from 'node:http';
import Koa from 'koa';
import { childOptions, listenOnLoopback, serveParent } from './child.ts';
import type { RawOptions } from './raw.ts';

/**
 * The framework floor: Koa with one middleware answering the baseline's JSON (`ctx.body = object`, as Gatehouse
 * answers). Whatever Gatehouse costs beyond this is its own work; this much is Koa's.
 */
const { json } = childOptions<Pick<RawOptions, 'json'>>();
const body: unknown = JSON.parse(json);
const app = new Koa();
app.use((ctx) => {
  ctx.body = body;
});
const server = createServer({ keepAliveTimeout: 65_000 }, app.callback());
serveParent(await listenOnLoopback(server), {});
