import { Agent, request, type Dispatcher } from 'undici';
import type * as oidc from 'openid-client';

/**
 * openid-client's `fetch` for calls to providers, on undici's `request` over one keep-alive pool.
 *
 * Why not the global fetch: its WHATWG machinery (Request, web streams, an `AbortSignal.timeout` per call from
 * openid-client) costs several times the HTTP exchange itself, and a sign-in waits for it. The timeout is
 * enforced by the dispatcher instead (connect, then headers, then body), so openid-client is told to add none.
 *
 * It answers the way fetch does, so openid-client's error handling and ours see what they expect: a network
 * failure is a `TypeError` ("fetch failed", the cause attached), a timeout a `TimeoutError` DOMException.
 */
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
// A response with one of these statuses must not have a body (the Response constructor refuses one).
const NULL_BODY_STATUSES = new Set([204, 205, 304]);

export interface ProviderFetch {
  fetch: oidc.CustomFetch;
  close(): Promise<void>;
}

type RequestBody = Exclude<Dispatcher.DispatchOptions['body'], undefined>;

function requestBody(body: oidc.CustomFetchOptions['body']): RequestBody | null {
  if (body === undefined || body === null) return null;
  if (body instanceof URLSearchParams) return body.toString();
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  return body as RequestBody;
}

function failure(error: unknown, signal: AbortSignal | undefined): unknown {
  // An abort by the caller's own signal surfaces as that signal's reason, as with fetch.
  if (signal?.aborted) return signal.reason;
  if (TIMEOUT_CODES.has((error as { code?: string }).code ?? '')) {
    return new DOMException('The provider did not answer in time.', 'TimeoutError');
  }
  return new TypeError('fetch failed', { cause: error });
}

export function createProviderFetch(options: { timeoutMs: number }): ProviderFetch {
  const { timeoutMs } = options;
  const agent = new Agent({
    keepAliveTimeout: 10_000,
    keepAliveMaxTimeout: 60_000,
    connect: { timeout: timeoutMs },
  });

  const fetch: oidc.CustomFetch = async (url, init) => {
    let data: Dispatcher.ResponseData;
    let bytes: ArrayBuffer;
    try {
      data = await request(url, {
        method: init.method as Dispatcher.HttpMethod,
        headers: init.headers,
        body: requestBody(init.body),
        signal: init.signal,
        dispatcher: agent,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      bytes = await data.body.arrayBuffer();
    } catch (error) {
      throw failure(error, init.signal);
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(data.headers)) {
      if (Array.isArray(value)) for (const item of value) headers.append(name, item);
      else if (value !== undefined) headers.append(name, value);
    }
    return new Response(NULL_BODY_STATUSES.has(data.statusCode) ? null : bytes, {
      status: data.statusCode,
      statusText: data.statusText,
      headers,
    });
  };

  return { fetch, close: () => agent.close() };
}
