import { type ServiceError, status } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { topics } from "@tongban/contracts";
import { sampleSubmission } from "@tongban/demo";
import { type Sample, parseExposition, samplesOf, sumOf } from "@tongban/metrics";
import { apis, queuedIn, sentCaseIn } from "../support/clients";
import { callUnary } from "@tongban/rpc";
import { type CityNode, callerAs, clerkMetadata, eventually, network, queueClientOf, useCities } from "../support/testNetwork";

const scrape = async (city: CityNode): Promise<{ text: string; samples: Sample[] }> => {
  const res = await fetch(`http://127.0.0.1:${city.node.metricsPort}/metrics`);
  expect(res.status).toBe(200);
  const text = await res.text();
  return { text, samples: parseExposition(text) };
};

describe("the metrics endpoint of an exchange node", () => {
  const net = useCities(["xiamen", "quanzhou"], "metrics-test");

  it("when a case crosses cities and a poison message arrives, then both nodes' scrapes hold events, DLQ, latency, gRPC and lag series, and no personal data", async () => {
    const [xm, qz] = net.cities as [CityNode, CityNode];
    const req = sampleSubmission(network.node("xiamen")!, "quanzhou", 5101);
    const { caseId } = await apis(xm).submit(req);
    const invalid: unknown = await apis(xm)
      .submit({ ...req, receiptNo: "", homeNode: "fuzhou" })
      .catch((e: unknown) => e);
    expect((invalid as { code?: number }).code).toBe(status.INVALID_ARGUMENT);
    await queuedIn(qz, caseId, "RECEIVED_BY_HOME");
    await sentCaseIn(xm, caseId, "RECEIVED_BY_HOME");
    // Two calls the access check refuses: the authority without a clerk token, a window system with one.
    const q0 = qz.queueClient;
    const noToken = (await callUnary(q0, q0.getQueueItem, { caseId }).catch((e: unknown) => e)) as ServiceError;
    expect(noToken.code).toBe(status.UNAUTHENTICATED);
    const window = queueClientOf("quanzhou", qz.node.queuePort, callerAs("quanzhou", "window"));
    const token = await clerkMetadata("quanzhou", "clerk-a", req.homeDepartment);
    const wrongRole = (await callUnary(window, window.getQueueItem, { caseId }, 5_000, token).catch((e: unknown) => e)) as ServiceError;
    window.close();
    expect(wrongRole.code).toBe(status.PERMISSION_DENIED);
    const inbound = (node: string) => topics.inbound(net.iso.topicPrefix, node);
    await net.bus.publish([
      { topic: inbound("quanzhou"), key: "poison", value: Buffer.from("not a protobuf \xff"), headers: { "event-type": "case.submitted" } },
    ]);

    const q = await eventually("quanzhou's scrape shows the dead letter and no lag", async () => {
      const s = await scrape(qz);
      const lag = samplesOf(s.samples, "tongban_consumer_lag", {
        group: `${net.iso.topicPrefix}.quanzhou.node`,
        topic: inbound("quanzhou"),
      });
      return sumOf(s.samples, "tongban_dead_letters_total", { code: "UNDECODABLE" }) >= 1 && lag[0]?.value === 0 ? s : undefined;
    });
    const x = await eventually("xiamen's scrape shows the forwarded case and its receipt", async () => {
      const s = await scrape(xm);
      return sumOf(s.samples, "tongban_events_in_total", { topic: inbound("xiamen"), outcome: "ok" }) >= 1 ? s : undefined;
    });

    // Events out: the case to the home city, tracking records to operators.
    expect(sumOf(x.samples, "tongban_events_out_total", { service: "node", node: "xiamen", topic: inbound("quanzhou") })).toBeGreaterThan(
      0,
    );
    expect(sumOf(x.samples, "tongban_events_out_total", { topic: topics.tracking(net.iso.topicPrefix), type: "tracking" })).toBeGreaterThan(
      0,
    );
    expect(sumOf(q.samples, "tongban_events_out_total", { topic: topics.deadLetter(net.iso.topicPrefix, "quanzhou") })).toBe(1);
    // Events in, by outcome, and the handler latency histogram.
    expect(sumOf(q.samples, "tongban_events_in_total", { node: "quanzhou", topic: inbound("quanzhou"), outcome: "ok" })).toBeGreaterThan(0);
    expect(sumOf(q.samples, "tongban_events_in_total", { outcome: "dead_lettered", type: "case.submitted" })).toBe(1);
    const okIn = sumOf(q.samples, "tongban_events_in_total", { outcome: "ok" });
    const inTotal = sumOf(q.samples, "tongban_events_in_total");
    expect(sumOf(q.samples, "tongban_handler_duration_seconds_bucket", { le: "+Inf" })).toBe(inTotal);
    expect(sumOf(q.samples, "tongban_handler_duration_seconds_count")).toBe(okIn + 1);
    expect(samplesOf(q.samples, "tongban_handler_duration_seconds_bucket").length).toBeGreaterThan(10);
    expect(sumOf(q.samples, "tongban_handler_duration_seconds_sum")).toBeGreaterThan(0);
    // gRPC calls by method and code, and their latency.
    const submit = "tongban.v1.IntakeService/SubmitCase";
    expect(sumOf(x.samples, "tongban_grpc_server_calls_total", { method: submit, code: "OK" })).toBeGreaterThanOrEqual(1);
    expect(sumOf(x.samples, "tongban_grpc_server_calls_total", { method: submit, code: "INVALID_ARGUMENT" })).toBe(1);
    expect(sumOf(x.samples, "tongban_grpc_server_calls_total", { method: "tongban.v1.IntakeService/GetCase", code: "OK" })).toBeGreaterThan(
      0,
    );
    expect(
      sumOf(q.samples, "tongban_grpc_server_calls_total", { method: "tongban.v1.AuthorityQueueService/GetQueueItem" }),
    ).toBeGreaterThan(0);
    expect(sumOf(x.samples, "tongban_grpc_server_duration_seconds_count", { method: submit })).toBe(
      sumOf(x.samples, "tongban_grpc_server_calls_total", { method: submit }),
    );
    // Refusals of the access check, by method and code (they never reach a handler).
    const getItem = "/tongban.v1.AuthorityQueueService/GetQueueItem";
    expect(samplesOf(q.samples, "tongban_access_denied_total").map((s) => [s.labels.method, s.labels.code, s.value])).toEqual(
      expect.arrayContaining([
        [getItem, "UNAUTHENTICATED", 1],
        [getItem, "PERMISSION_DENIED", 1],
      ]),
    );
    expect(sumOf(q.samples, "tongban_access_denied_total")).toBe(2);
    expect(sumOf(x.samples, "tongban_access_denied_total")).toBe(0);
    // Consumer lag and the outbox, refreshed on scrape.
    expect(
      samplesOf(x.samples, "tongban_consumer_lag", { group: `${net.iso.topicPrefix}.xiamen.node`, topic: inbound("xiamen") }),
    ).toHaveLength(1);
    expect(samplesOf(x.samples, "tongban_outbox_pending", { node: "xiamen" })).toHaveLength(1);
    expect(samplesOf(x.samples, "process_cpu_user_seconds_total", { service: "node", node: "xiamen" })).toHaveLength(1);

    for (const { text } of [x, q]) {
      for (const secret of [req.applicant!.name, req.applicant!.idNumber, req.applicant!.phone, req.applicant!.address, caseId]) {
        expect(text).not.toContain(secret);
      }
    }
  });
});
