import { describe, expect, it } from "vitest";
import { Metrics, type MetricsOptions } from "./metrics";
import { parseExposition, samplesOf, sumOf } from "./parseExposition";

const quiet = (extra: Partial<MetricsOptions> = {}) => new Metrics({ service: "node", node: "xiamen", processMetrics: false, ...extra });
const scrape = async (m: Metrics) => parseExposition(await m.scrape());

describe("Metrics", () => {
  it("when events flow, then the counters carry topic, type, outcome and the service and node labels", async () => {
    const m = quiet();
    m.published("t.quanzhou.inbound", "case.submitted", 2);
    m.consumed("t.xiamen.inbound", "case.received", "ok", 0.02);
    m.consumed("t.xiamen.inbound", "case.closed", "dead_lettered", 0.001);
    m.deadLettered("t.xiamen.inbound", "ILLEGAL_TRANSITION");
    const s = await scrape(m);
    const node = { service: "node", node: "xiamen" };
    expect(sumOf(s, "tongban_events_out_total", { ...node, topic: "t.quanzhou.inbound", type: "case.submitted" })).toBe(2);
    expect(sumOf(s, "tongban_events_in_total", { ...node, topic: "t.xiamen.inbound", type: "case.received", outcome: "ok" })).toBe(1);
    expect(sumOf(s, "tongban_events_in_total", { outcome: "dead_lettered", type: "case.closed" })).toBe(1);
    expect(sumOf(s, "tongban_dead_letters_total", { ...node, topic: "t.xiamen.inbound", code: "ILLEGAL_TRANSITION" })).toBe(1);
    expect(sumOf(s, "tongban_handler_duration_seconds_bucket", { type: "case.received", le: "0.01" })).toBe(0);
    expect(sumOf(s, "tongban_handler_duration_seconds_bucket", { type: "case.received", le: "0.025" })).toBe(1);
    expect(sumOf(s, "tongban_handler_duration_seconds_count", { ...node, type: "case.closed" })).toBe(1);
  });

  it("when gRPC calls are answered, then calls count by method and code and the latency histogram by method", async () => {
    const m = quiet();
    m.called("tongban.v1.IntakeService/SubmitCase", "OK", 0.004);
    m.called("tongban.v1.IntakeService/SubmitCase", "INVALID_ARGUMENT", 0.001);
    const s = await scrape(m);
    const method = "tongban.v1.IntakeService/SubmitCase";
    expect(sumOf(s, "tongban_grpc_server_calls_total", { method, code: "OK" })).toBe(1);
    expect(sumOf(s, "tongban_grpc_server_calls_total", { method, code: "INVALID_ARGUMENT" })).toBe(1);
    expect(sumOf(s, "tongban_grpc_server_duration_seconds_count", { method })).toBe(2);
    expect(sumOf(s, "tongban_grpc_server_duration_seconds_bucket", { method, le: "+Inf" })).toBe(2);
  });

  it("when a header carries something other than an event type or code, then the label says other and never the value", async () => {
    const m = quiet();
    m.consumed("t.xiamen.inbound", "张三 350203199001011234", "dead_lettered", 0.001);
    m.published("t.xiamen.dlq", "13800000000", 1);
    m.deadLettered("t.xiamen.inbound", "李四");
    const text = await m.scrape();
    expect(text).not.toMatch(/张三|李四|350203199001011234|13800000000/);
    const s = parseExposition(text);
    expect(sumOf(s, "tongban_events_in_total", { type: "other" })).toBe(1);
    expect(sumOf(s, "tongban_events_out_total", { type: "other" })).toBe(1);
    expect(sumOf(s, "tongban_dead_letters_total", { code: "OTHER" })).toBe(1);
  });

  it("when known event types are given, then any other type is other", async () => {
    const m = quiet({ knownEventTypes: ["case.submitted"] });
    m.consumed("t", "case.submitted", "ok", 0.001);
    m.consumed("t", "case.invented", "ok", 0.001);
    const s = await scrape(m);
    expect(sumOf(s, "tongban_events_in_total", { type: "case.submitted" })).toBe(1);
    expect(sumOf(s, "tongban_events_in_total", { type: "other" })).toBe(1);
  });

  it("when scraped, then the lag and outbox callbacks are asked and their answers become gauges", async () => {
    let lag = 7;
    const m = quiet({ lag: async () => [{ group: "t.xiamen.node", topic: "t.xiamen.inbound", lag }], outboxPending: async () => 3 });
    const labels = { group: "t.xiamen.node", topic: "t.xiamen.inbound", node: "xiamen" };
    expect(samplesOf(await scrape(m), "tongban_consumer_lag", labels).map((x) => x.value)).toEqual([7]);
    lag = 0;
    const s = await scrape(m);
    expect(samplesOf(s, "tongban_consumer_lag", labels).map((x) => x.value)).toEqual([0]);
    expect(sumOf(s, "tongban_outbox_pending", { node: "xiamen" })).toBe(3);
  });

  it("when the lag callback fails or hangs, then the scrape still answers with the last values", async () => {
    let mode: "ok" | "fail" | "hang" = "ok";
    const m = quiet({
      callbackTimeoutMs: 50,
      lag: () =>
        mode === "ok"
          ? Promise.resolve([{ group: "g", topic: "t", lag: 5 }])
          : mode === "fail"
            ? Promise.reject(new Error("broker down"))
            : new Promise(() => undefined),
    });
    await m.scrape();
    mode = "fail";
    expect(sumOf(await scrape(m), "tongban_consumer_lag", { group: "g" })).toBe(5);
    mode = "hang";
    expect(sumOf(await scrape(m), "tongban_consumer_lag", { group: "g" })).toBe(5);
  });

  it("when process metrics are on, then the standard Node.js series are there too", async () => {
    const s = parseExposition(await new Metrics({ service: "certs", node: "quanzhou" }).scrape());
    expect(samplesOf(s, "process_cpu_user_seconds_total", { service: "certs" })).toHaveLength(1);
    expect(samplesOf(s, "nodejs_eventloop_lag_seconds")).toHaveLength(1);
  });
});

describe("parseExposition", () => {
  it("when a line has escaped label values and a timestamp, then they are read back", () => {
    const [s] = parseExposition('# HELP x y\nx_total{a="q\\"uote",b="back\\\\slash"} 4 1700000000000\n');
    expect(s).toEqual({ name: "x_total", labels: { a: 'q"uote', b: "back\\slash" }, value: 4 });
  });
});
