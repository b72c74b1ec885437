import { context, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, type SpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";

let contextInstalled = false;

/** The process-wide context manager (async_hooks) and W3C propagator every traced process needs, once. */
export function installTracingContext(): void {
  if (contextInstalled) return;
  contextInstalled = true;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
}

export interface Tracing {
  /** Whether spans are recorded (a processor or an OTLP endpoint was given). */
  enabled: boolean;
  /** Exports what is buffered and stops. */
  shutdown(): Promise<void>;
}

/**
 * Starts tracing for a process: spans go to `processors` and, when OTEL_EXPORTER_OTLP_ENDPOINT
 * (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set, over OTLP/HTTP in batches. Without either,
 * nothing is recorded and the spans of the exchange cost next to nothing.
 */
export function startTracing(service: string, processors: SpanProcessor[] = []): Tracing {
  const endpoint = process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const all = [...processors, ...(endpoint ? [new BatchSpanProcessor({ exporter: new OTLPTraceExporter() })] : [])];
  if (all.length === 0) return { enabled: false, shutdown: async () => undefined };
  installTracingContext();
  const provider = new TracerProvider({ resource: resourceFromAttributes({ "service.name": service }), spanProcessors: all });
  trace.setGlobalTracerProvider(provider);
  return { enabled: true, shutdown: () => provider.shutdown() };
}
