import {
  type Context,
  type Link,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
} from "@opentelemetry/api";
import type { TraceContext } from "./gen/tongban/v1/envelope";

/**
 * Tracing across cities (OpenTelemetry): the spans of the exchange and the W3C trace context an
 * envelope carries (`trace`). Without a tracer provider (see @tongban/runtime startTracing) every
 * span here is a no-op and nothing is injected.
 */
export const tracer = trace.getTracer("tongban");

export { SpanKind };

/** The active context as the W3C trace context an envelope carries; undefined when nothing is traced. */
export function traceContextOf(ctx: Context = context.active()): TraceContext | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier.traceparent ? { traceparent: carrier.traceparent, tracestate: carrier.tracestate ?? "" } : undefined;
}

/** The context a received trace context continues (the root context when there is none). */
export function contextFrom(tc: TraceContext | undefined, base: Context = context.active()): Context {
  if (!tc?.traceparent) return base;
  return propagation.extract(base, { traceparent: tc.traceparent, ...(tc.tracestate ? { tracestate: tc.tracestate } : {}) });
}

/** The trace id of a trace context, or of the active span. */
export const traceIdOf = (tc: TraceContext | undefined): string | undefined => tc?.traceparent.split("-")[1];
export const activeTraceId = (): string | undefined => trace.getSpan(context.active())?.spanContext().traceId;

/**
 * Runs `fn` in a span named `name` (child of `parent`, default the active context), ending it when
 * `fn` settles and marking it failed when `fn` throws.
 */
export function inSpan<T>(
  name: string,
  opts: { kind?: SpanKind; parent?: Context; attributes?: Record<string, string | number>; links?: Link[] },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const span = tracer.startSpan(
    name,
    {
      kind: opts.kind ?? SpanKind.INTERNAL,
      ...(opts.attributes ? { attributes: opts.attributes } : {}),
      ...(opts.links ? { links: opts.links } : {}),
    },
    opts.parent ?? context.active(),
  );
  return context.with(trace.setSpan(opts.parent ?? context.active(), span), async () => {
    try {
      return await fn(span);
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** A span that is over as soon as it starts (a Kafka produce), as a trace context for what it sends. */
export function instantSpan(name: string, kind: SpanKind, attributes: Record<string, string | number>): TraceContext | undefined {
  const span = tracer.startSpan(name, { kind, attributes });
  const tc = span.isRecording() ? traceContextOf(trace.setSpan(context.active(), span)) : traceContextOf();
  span.end();
  return tc;
}

/**
 * Runs `fn` inside the trace `tc` (a case's): as it is when that trace is already the active one,
 * else in a span `name` that continues it, linked to the active span (the clerk's call that made the
 * change), so every step of a case is one tree whoever triggered it.
 */
export function continueTrace<T>(
  tc: TraceContext | undefined,
  name: string,
  attributes: Record<string, string | number>,
  fn: () => Promise<T>,
): Promise<T> {
  if (!tc || activeTraceId() === traceIdOf(tc)) return fn();
  const caller = trace.getSpan(context.active())?.spanContext();
  return inSpan(name, { parent: contextFrom(tc, ROOT_CONTEXT), attributes, links: caller ? [{ context: caller }] : [] }, fn);
}
