import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Metrics } from "./metrics";
import { type RunningMetricsServer, startMetricsServer } from "./startMetricsServer";

describe("startMetricsServer", () => {
  let server: RunningMetricsServer;
  const metrics = new Metrics({ service: "node", node: "xiamen", processMetrics: false });

  beforeAll(async () => {
    server = await startMetricsServer({ host: "127.0.0.1", port: 0, metrics });
  });
  afterAll(() => server.close());

  it("when GET /metrics, then the registry is served in the Prometheus text format", async () => {
    metrics.called("tongban.v1.IntakeService/GetCase", "NOT_FOUND", 0.002);
    const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await res.text()).toContain('tongban_grpc_server_calls_total{method="tongban.v1.IntakeService/GetCase",code="NOT_FOUND"');
  });

  it("when another path or method is asked for, then 404 or 405", async () => {
    expect((await fetch(`http://127.0.0.1:${server.port}/`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${server.port}/metrics`, { method: "POST" })).status).toBe(405);
  });

  it("when closed, then the port no longer answers", async () => {
    const other = await startMetricsServer({ host: "127.0.0.1", port: 0, metrics });
    await fetch(`http://127.0.0.1:${other.port}/metrics`).then((r) => r.text());
    await other.close();
    await expect(fetch(`http://127.0.0.1:${other.port}/metrics`)).rejects.toThrow();
  });
});
