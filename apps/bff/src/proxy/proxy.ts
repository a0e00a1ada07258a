import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { Agent, errors as undiciErrors, stream } from 'undici';
import type { SessionState } from '../session-api/require-session.ts';
import type { ApiConfig } from '../config/providers-file.ts';
import type { AppDeps } from '../deps.ts';
import { failureCause } from '../logging/failure-cause.ts';
import { forbidden, HttpError, invalidRequest, notFound } from '../http/errors.ts';
import type { TokenService } from '../tokens/token-service.ts';
import { dpopProof } from '../tokens/dpop-key.ts';
import { requirementProblem } from './api-requirements.ts';
import { cappedBody } from './capped-body.ts';
import { dpopKeyOf } from './dpop-binding.ts';
import { stepUpRequirement } from './step-up-requirement.ts';
import { requestHeadersForUpstream, responseHeadersForBrowser } from './headers.ts';
import { upstreamBase, upstreamUrl } from './upstream-url.ts';
import { injectTraceContext } from '../observability/tracing.ts';

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
  const apis = new Map(deps.apis.map((api) => [api.name, { ...api, base: upstreamBase(api.baseUrl) }]));
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
    // Before any token is opened or refreshed, and before the upstream hears of the request.
    const problem = requirementProblem(api, session);
    if (problem) throw forbidden(problem);
    const stepUp = stepUpRequirement(api, session, deps.clock());
    if (stepUp) throw stepUp;
    const target = upstreamUrl(api.base, rest, ctx.querystring);
    if (!target) throw invalidRequest('This path is not allowed.');

    const accessToken = await tokens.accessToken(key, session, api.resource);
    const headers = requestHeadersForUpstream(ctx.req.headers);
    const dpopKey = deps.providers.get(api.provider)?.config.dpop
      ? dpopKeyOf(deps.cipher, session)
      : undefined;
    if (dpopKey) {
      // RFC 9449 §7: the token under the DPoP scheme, with a fresh proof for this method and URL.
      headers.authorization = `DPoP ${accessToken}`;
      headers.dpop = await dpopProof(dpopKey, ctx.method, target, accessToken);
    } else {
      headers.authorization = `Bearer ${accessToken}`;
    }
    headers['x-forwarded-for'] = ctx.ip;
    const requestId = ctx.response.get('x-request-id');
    if (requestId) headers['x-request-id'] = requestId;
    injectTraceContext(headers); // W3C traceparent, when tracing is on

    const hasBody = ctx.method !== 'GET' && ctx.method !== 'HEAD';

    // Streamed straight into the browser's response: no intermediate readable, no pipeline (whose per-request
    // AbortController, listeners and stack-capturing AbortError cost more than relaying a small body does).
    // undici writes each chunk as it comes, waits on backpressure, ends the response, and aborts the upstream
    // request if the browser goes away.
    let started = false;
    const sentAt = performance.now();
    const observe = (status: number | 'error' | 'timeout'): void =>
      deps.metrics?.proxyUpstream(api.name, status, (performance.now() - sentAt) / 1000);
    try {
      await stream(
        target,
        {
          method: ctx.method as 'GET',
          headers,
          body: hasBody ? cappedBody(ctx.req, deps.config.maxBodyBytes) : null,
          dispatcher: agent,
          headersTimeout: api.timeoutMs,
          bodyTimeout: api.timeoutMs,
        },
        ({ statusCode, headers: upstreamHeaders }) => {
          started = true;
          ctx.status = statusCode;
          for (const [header, value] of responseHeadersForBrowser(upstreamHeaders)) ctx.set(header, value);
          // The body goes straight to the socket; koa must not answer as well (nor take an upstream 404 for a
          // missing route).
          ctx.respond = false;
          return ctx.res;
        },
      );
      observe(ctx.status);
    } catch (error) {
      // A body cut off at MAX_BODY_BYTES is the browser's fault, not the upstream's.
      if (error instanceof HttpError && !started) throw error;
      const failure = upstreamFailure(error, api);
      observe(started ? ctx.status : failure.status === 504 ? 'timeout' : 'error');
      ((ctx.state as { log?: Logger }).log ?? deps.logger).warn(
        { api: api.name, status: started ? ctx.status : failure.status, ...failureCause(error) },
        started ? 'upstream response broke off' : 'upstream call failed',
      );
      if (!started) throw failure;
    }
  };

  return { handler, close: () => agent.close() };
}
