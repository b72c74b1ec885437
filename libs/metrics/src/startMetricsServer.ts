import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Metrics } from "./metrics";

export interface MetricsServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  metrics: Metrics;
  /** Answers `GET /healthz`: 200 while serving, 503 otherwise, with each check's state. Without it /healthz is 200 while the process runs. */
  health?: () => { serving: boolean; checks: Record<string, boolean>; consumers?: unknown[]; alerts?: string[] };
}

export interface RunningMetricsServer {
  port: number;
  /** Stops listening and ends open (keep-alive) scrape connections. */
  close(): Promise<void>;
}

/** Serves `GET /metrics` in the Prometheus text format and `GET /healthz` over plain HTTP. */
export async function startMetricsServer(opts: MetricsServerOptions): Promise<RunningMetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/healthz") {
      const h = opts.health?.() ?? { serving: true, checks: {} };
      res.writeHead(h.serving ? 200 : 503, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
      res.end(
        req.method === "HEAD"
          ? undefined
          : JSON.stringify({
              status: h.serving ? "SERVING" : "NOT_SERVING",
              checks: h.checks,
              consumers: h.consumers ?? [],
              // Conditions an operator must act on that do not stop the service (e.g. a calendar year missing).
              alerts: h.alerts ?? [],
            }),
      );
      return;
    }
    if (path !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("未找到 / not found: try GET /metrics or GET /healthz\n");
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" }).end("仅支持 GET / only GET\n");
      return;
    }
    opts.metrics.scrape().then(
      (body) => {
        res.writeHead(200, { "content-type": opts.metrics.contentType });
        res.end(req.method === "HEAD" ? undefined : body);
      },
      (err: unknown) => {
        res.writeHead(500, { "content-type": "text/plain; charset=utf-8" }).end(`指标采集失败 / scrape failed: ${String(err)}\n`);
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
