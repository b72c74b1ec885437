import { Metrics, type MetricsOptions } from "./metrics";
import { type RunningMetricsServer, startMetricsServer } from "./startMetricsServer";

export interface ServeMetricsOptions extends MetricsOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
}

export interface MetricsEndpoint extends RunningMetricsServer {
  /** Hand this to `new Bus(conn, log, { observer: metrics })` and `startGrpcServer({ observer: metrics, … })`. */
  metrics: Metrics;
}

/**
 * A service's metrics and their `/metrics` endpoint in one call, for composition roots:
 * `const m = await serveMetrics({ service: "certs", node: node.id, host, port })`, pass
 * `m.metrics` as the bus and gRPC server observer, and `await m.close()` on shutdown.
 */
export async function serveMetrics(opts: ServeMetricsOptions): Promise<MetricsEndpoint> {
  const { host, port, ...metricsOptions } = opts;
  const metrics = new Metrics(metricsOptions);
  const server = await startMetricsServer({ host, port, metrics });
  return { metrics, port: server.port, close: () => server.close() };
}
