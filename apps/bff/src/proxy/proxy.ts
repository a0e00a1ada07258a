import type { Middleware } from 'koa';
import { Agent, errors as undiciErrors, request } from 'undici';
import type { SessionState } from '../api/require-session.ts';
import type { ApiConfig } from '../config/providers-file.ts';
import type { AppDeps } from '../deps.ts';
import { forbidden, HttpError, invalidRequest, notFound } from '../http/errors.ts';
import type { TokenService } from '../session/token-service.ts';
import { requestHeadersForUpstream, responseHeadersForBrowser } from './headers.ts';
import { upstreamUrl } from './upstream-url.ts';

const PREFIX = '/api/proxy/';
const UPSTREAM_TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function upstreamFailure(error: unknown, api: ApiConfig): HttpError {
  const code = (error as { code?: string }).code ?? '';
  if (UPSTREAM_TIMEOUT_CODES.has(code) || error instanceof undiciErrors.HeadersTimeoutError) {
    return new HttpError(504, 'upstream_timeout', `The "${api.name}" API did not answer in time.`);
  }
  return new HttpError(502, 'upstream_unavailable', `The "${api.name}" API is unavailable.`);
}

/**
 * `/api/proxy/<api>/<path>?<query>` → `<baseUrl>/<path>?<query>` with `Authorization: Bearer <the session's
 * access token>` (refreshed first when about to expire). Only declared APIs and methods, only for sessions of
 * the API's provider; bodies are streamed both ways over a keep-alive pool; the browser's cookies and hop-by-hop
 * headers stay behind.
 */
export function proxy(
  deps: AppDeps,
  tokens: TokenService,
): { handler: Middleware<SessionState>; close(): Promise<void> } {
  const apis = new Map(deps.apis.map((api) => [api.name, api]));
  const agent = new Agent({ keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000, connections: 256 });

  const handler: Middleware<SessionState> = async (ctx) => {
    const afterPrefix = ctx.path.slice(PREFIX.length);
    const slash = afterPrefix.indexOf('/');
    const name = slash === -1 ? afterPrefix : afterPrefix.slice(0, slash);
    const rest = slash === -1 ? '' : afterPrefix.slice(slash);
    const api = apis.get(name);
    if (!api) throw notFound(`No API named "${name.slice(0, 64)}".`);
    if (!(api.methods as readonly string[]).includes(ctx.method)) {
      throw new HttpError(405, 'method_not_allowed', `${ctx.method} is not allowed on this API.`, {
        Allow: api.methods.join(', '),
      });
    }
    const { key, session } = ctx.state.auth;
    if (session.provider !== api.provider) {
      throw forbidden(`The "${api.name}" API needs a session with the "${api.provider}" provider.`);
    }
    const target = upstreamUrl(api.baseUrl, rest, ctx.querystring);
    if (!target) throw invalidRequest('This path is not allowed.');

    const accessToken = await tokens.accessToken(key, session, api.resource);
    const headers = requestHeadersForUpstream(ctx.req.headers);
    headers.authorization = `Bearer ${accessToken}`;
    headers['x-forwarded-for'] = ctx.ip;
    const requestId = ctx.response.get('x-request-id');
    if (requestId) headers['x-request-id'] = requestId;
    const hasBody = ctx.method !== 'GET' && ctx.method !== 'HEAD';

    let upstream: Awaited<ReturnType<typeof request>>;
    try {
      upstream = await request(target, {
        method: ctx.method as 'GET',
        headers,
        body: hasBody ? ctx.req : null,
        dispatcher: agent,
        headersTimeout: api.timeoutMs,
        bodyTimeout: api.timeoutMs,
      });
    } catch (error) {
      throw upstreamFailure(error, api);
    }
    ctx.status = upstream.statusCode;
    for (const [header, value] of responseHeadersForBrowser(upstream.headers)) ctx.set(header, value);
    // Streamed through; a failure half-way closes the connection, as it would have without the BFF.
    // When the browser goes away first, koa destroys the body and undici emits an abort error after koa's
    // pipeline has stopped listening: without a listener of its own that error would end the process.
    upstream.body.on('error', () => undefined);
    ctx.body = upstream.body;
  };

  return { handler, close: () => agent.close() };
}
