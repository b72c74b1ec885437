import { describe, expect, it } from "vitest";
import { EventEnvelope, encodeEnvelope, topics } from "@tongban/contracts";
import { sampleSubmission } from "@tongban/demo";
import { apis, queuedIn } from "../support/clients";
import { signedEnvelope } from "../support/devSigning";
import { readTopic } from "../support/readTopic";
import { type CityNode, network, useCities } from "../support/testNetwork";

describe("poison messages on a node's inbound topic", () => {
  const net = useCities(["xiamen", "quanzhou"], "dlq-test");

  it("when undecodable, unknown, misrouted, out-of-place, orphan, unsigned, forged, tampered, replayed and mis-keyed messages arrive, then each is dead-lettered with its code and the partitions keep moving", async () => {
    const [xm, qz] = net.cities as [CityNode, CityNode];
    const xiamen = network.node("xiamen")!;
    const inbound = topics.inbound(net.iso.topicPrefix, "quanzhou");
    const existing = (await apis(xm).submit(sampleSubmission(xiamen, "quanzhou", 40))).caseId;
    const before = await queuedIn(qz, existing, "RECEIVED_BY_HOME");

    // Signed by Xiamen's node, as its relay would publish them, so each fails on its own fault.
    const env = (over: Partial<EventEnvelope>, signedBy = "xiamen") =>
      signedEnvelope(
        {
          eventId: `01POISON${Math.random().toString(36).slice(2, 20)}`,
          caseId: existing,
          sourceNode: "xiamen",
          targetNode: "quanzhou",
          ...over,
        },
        signedBy,
      );
    const closed = { type: "case.closed", caseSeq: 4, payload: { event: { $case: "closed" as const, value: { closedAt: new Date() } } } };
    const forwarded = {
      type: "case.forwarded",
      caseSeq: 4,
      payload: { event: { $case: "forwarded" as const, value: { trackingNo: "1", forwardedAt: new Date() } } },
    };
    const decided = {
      type: "case.decided",
      caseSeq: 4,
      payload: { event: { $case: "decided" as const, value: { decision: undefined, decidedAt: new Date(), deliveryDueAt: undefined } } },
    };
    const tampered = EventEnvelope.decode(env(forwarded));
    const poison = [
      { key: "k1", value: Buffer.from("not a protobuf \xff\xfe"), headers: { "event-type": "case.submitted", "trace-id": "t-1" } },
      { key: existing, value: env({ type: "case.teleported", caseSeq: 4 }) },
      { key: existing, value: env({ ...closed, targetNode: "zhangzhou" }) },
      // The case is RECEIVED_BY_HOME: a second forwarding cannot follow.
      { key: existing, value: env(forwarded) },
      { key: "01NOSUCHCASE00000000000000", value: env({ ...forwarded, caseId: "01NOSUCHCASE00000000000000" }) },
      // Trust on the bus: an unsigned envelope, a decision forged by the window's node, a payload
      // altered after signing, Xiamen's envelope replayed as Zhangzhou's, a record keyed off its case.
      {
        key: existing,
        value: encodeEnvelope(
          EventEnvelope.fromPartial({ eventId: "01UNSIGNED", caseId: existing, sourceNode: "xiamen", targetNode: "quanzhou", ...closed }),
        ),
      },
      { key: existing, value: env(decided) },
      { key: existing, value: encodeEnvelope({ ...tampered, caseSeq: 9 }) },
      { key: existing, value: encodeEnvelope({ ...tampered, sourceNode: "zhangzhou" }) },
      { key: "k10", value: env(forwarded) },
    ];
    await net.bus.publish(poison.map((p) => ({ topic: inbound, ...p })));

    // Valid cases behind the poison, spread over the partitions, still arrive.
    const after = await Promise.all(Array.from({ length: 6 }, (_, i) => apis(xm).submit(sampleSubmission(xiamen, "quanzhou", 41 + i))));
    await Promise.all(after.map((r) => queuedIn(qz, r.caseId, "RECEIVED_BY_HOME")));

    const dead = await readTopic(net.bus, topics.deadLetter(net.iso.topicPrefix, "quanzhou"), (r) => r.length >= poison.length);

    const byCode = Object.fromEntries(dead.map((d) => [d.headers["x-dlq-code"], d]));
    expect(Object.keys(byCode).sort()).toEqual(
      [
        "ILLEGAL_TRANSITION",
        "KEY_MISMATCH",
        "MISROUTED",
        "SIGNATURE_INVALID",
        "SIGNATURE_MISSING",
        "SIGNER_MISMATCH",
        "UNDECODABLE",
        "UNKNOWN_CASE",
        "UNKNOWN_TYPE",
        "WRONG_SIDE",
      ].sort(),
    );
    expect(byCode.UNDECODABLE!.headers["trace-id"]).toBe("t-1");
    expect(byCode.UNDECODABLE!.headers["x-dlq-source-topic"]).toBe(inbound);
    expect(byCode.UNKNOWN_TYPE!.headers["x-dlq-reason"]).toContain("case.teleported");
    expect(byCode.MISROUTED!.headers["x-dlq-reason"]).toContain("zhangzhou");
    expect(byCode.ILLEGAL_TRANSITION!.headers["x-dlq-reason"]).toContain("RECEIVED_BY_HOME");
    expect(byCode.WRONG_SIDE!.headers["x-dlq-reason"]).toContain("case.decided");
    expect(byCode.UNKNOWN_CASE!.headers["x-dlq-reason"]).toContain("01NOSUCHCASE");
    expect((await apis(qz).queued(existing))!.case!.seq).toBe(before.case!.seq);
  });
});
