import { describe, expect, it } from "vitest";
import { EventEnvelope, encodeEnvelope, topics } from "@tongban/contracts";
import { sampleSubmission } from "@tongban/demo";
import { apis, queuedIn } from "../support/clients";
import { readTopic } from "../support/readTopic";
import { type CityNode, network, useCities } from "../support/testNetwork";

describe("poison messages on a node's inbound topic", () => {
  const net = useCities(["xiamen", "quanzhou"], "dlq-test");

  it("when undecodable, unknown, misrouted, out-of-place and orphan messages arrive, then each is dead-lettered with its reason and the partitions keep moving", async () => {
    const [xm, qz] = net.cities as [CityNode, CityNode];
    const xiamen = network.node("xiamen")!;
    const inbound = topics.inbound(net.iso.topicPrefix, "quanzhou");
    const existing = (await apis(xm).submit(sampleSubmission(xiamen, "quanzhou", 40))).caseId;
    const before = await queuedIn(qz, existing, "RECEIVED_BY_HOME");

    const env = (over: Partial<EventEnvelope>) =>
      encodeEnvelope(
        EventEnvelope.fromPartial({
          eventId: `01POISON${Math.random().toString(36).slice(2, 20)}`,
          sourceNode: "xiamen",
          targetNode: "quanzhou",
          ...over,
        }),
      );
    const poison = [
      { key: "k1", value: Buffer.from("not a protobuf \xff\xfe"), headers: { "event-type": "case.submitted", "trace-id": "t-1" } },
      { key: "k2", value: env({ caseId: existing, type: "case.teleported", caseSeq: 4 }) },
      {
        key: "k3",
        value: env({
          caseId: existing,
          type: "case.closed",
          targetNode: "zhangzhou",
          caseSeq: 4,
          payload: { event: { $case: "closed", value: { closedAt: new Date() } } },
        }),
      },
      // The case is RECEIVED_BY_HOME: "closed" cannot follow.
      {
        key: existing,
        value: env({
          caseId: existing,
          type: "case.closed",
          caseSeq: 4,
          payload: { event: { $case: "closed", value: { closedAt: new Date() } } },
        }),
      },
      {
        key: "k5",
        value: env({
          caseId: "01NOSUCHCASE00000000000000",
          type: "case.accepted",
          caseSeq: 5,
          payload: { event: { $case: "accepted", value: { acceptedAt: new Date(), decisionDueAt: new Date() } } },
        }),
      },
    ];
    await net.bus.publish(poison.map((p) => ({ topic: inbound, ...p })));

    // Valid cases behind the poison, spread over the partitions, still arrive.
    const after = await Promise.all(Array.from({ length: 6 }, (_, i) => apis(xm).submit(sampleSubmission(xiamen, "quanzhou", 41 + i))));
    await Promise.all(after.map((r) => queuedIn(qz, r.caseId, "RECEIVED_BY_HOME")));

    const dead = await readTopic(net.bus, topics.deadLetter(net.iso.topicPrefix, "quanzhou"), (r) => r.length >= poison.length);

    const byCode = Object.fromEntries(dead.map((d) => [d.headers["x-dlq-code"], d]));
    expect(Object.keys(byCode).sort()).toEqual(["ILLEGAL_TRANSITION", "MISROUTED", "UNDECODABLE", "UNKNOWN_CASE", "UNKNOWN_TYPE"]);
    expect(byCode.UNDECODABLE!.headers["trace-id"]).toBe("t-1");
    expect(byCode.UNDECODABLE!.headers["x-dlq-source-topic"]).toBe(inbound);
    expect(byCode.UNKNOWN_TYPE!.headers["x-dlq-reason"]).toContain("case.teleported");
    expect(byCode.MISROUTED!.headers["x-dlq-reason"]).toContain("zhangzhou");
    expect(byCode.ILLEGAL_TRANSITION!.headers["x-dlq-reason"]).toContain("RECEIVED_BY_HOME");
    expect(byCode.UNKNOWN_CASE!.headers["x-dlq-reason"]).toContain("01NOSUCHCASE");
    expect((await apis(qz).queued(existing))!.case!.seq).toBe(before.case!.seq);
  });
});
