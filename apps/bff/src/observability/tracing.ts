import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { Middleware } from 'koa';
import type { SessionStore } from '../store/store.ts';
import { decorateStore } from './store-decorator.ts';

/**
 * Traces with OpenTelemetry. The BFF's code calls the OpenTelemetry *API* only (`traced`, `tracingMiddleware`,
 * `injectTraceContext`), which does nothing until an SDK is registered; `startTracing` registers one, and
 * server.ts calls it only when `OTEL_EXPORTER_OTLP_ENDPOINT` is set. Attributes hold route patterns, methods,
 * statuses, provider, API and store names: never URLs with their query (codes, states), cookies or tokens.
 */
const tracer = () => trace.getTracer('gatehouse-bff');

export interface Tracing {
  /** Flushes what is buffered and stops exporting. */
  close(): Promise<void>;
}

/** Registers the SDK globally: W3C trace context propagation, async context, spans batched to `processor`. */
export function startTracing(options: { serviceName: string; processor: SpanProcessor }): Tracing {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    spanProcessors: [options.processor],
  });
  provider.register();
  return { close: () => provider.shutdown() };
}

/** The OTLP/HTTP exporter for `OTEL_EXPORTER_OTLP_ENDPOINT` (`<endpoint>/v1/traces`), batched. */
export function otlpProcessor(endpoint: string): SpanProcessor {
  return new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` }));
}

function end(span: Span, error?: unknown): void {
  if (error !== undefined) {
    // The error's class only: messages can quote what a client sent.
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.name ?? 'Error' });
  }
  span.end();
}

/** Runs `work` in a child span of the active one. */
export async function traced<T>(name: string, attributes: Attributes, work: () => Promise<T>): Promise<T> {
  return tracer().startActiveSpan(name, { attributes }, async (span) => {
    try {
      const result = await work();
      end(span);
      return result;
    } catch (error) {
      end(span, error);
      throw error;
    }
  });
}

/** A Koa middleware run in a span of its own (`gatehouse.login`, `gatehouse.callback`, `gatehouse.proxy`). */
export function tracedMiddleware<S>(name: string, middleware: Middleware<S>): Middleware<S> {
  return (ctx, next) => traced(name, {}, () => Promise.resolve(middleware(ctx, next)));
}

/**
 * The server span of each request, continuing a W3C `traceparent` the caller sent. Named `METHOD /route/pattern`
 * once the router has matched; never the raw path.
 */
export function tracingMiddleware(): Middleware {
  return async (ctx, next) => {
    const parent = propagation.extract(context.active(), ctx.headers);
    const span = tracer().startSpan(
      `${ctx.method}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': ctx.method } },
      parent,
    );
    try {
      await context.with(trace.setSpan(parent, span), next);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.name ?? 'Error' });
      throw error;
    } finally {
      const route = (ctx as { _matchedRoute?: unknown })._matchedRoute;
      if (typeof route === 'string') {
        span.setAttribute('http.route', route);
        span.updateName(`${ctx.method} ${route}`);
      }
      span.setAttribute('http.response.status_code', ctx.status);
      if (ctx.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
  };
}

/** Adds `traceparent` (and `tracestate`) for the active span to headers sent upstream. */
export function injectTraceContext(headers: Record<string, string | string[] | undefined>): void {
  propagation.inject(context.active(), headers);
}

/** The same store, each operation in a span `gatehouse.store.<operation>` (arguments, keys included, never recorded). */
export function traceStore(store: SessionStore): SessionStore {
  return decorateStore(store, (operation, call) => {
    const name = `gatehouse.store.${operation}`;
    const attributes = { 'gatehouse.store': store.kind };
    return (...args) => traced(name, attributes, () => call(...args));
  });
}
