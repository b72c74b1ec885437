import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bus, type InRecord } from "@tongban/bus";
import { EventEnvelope, encodeEnvelope, topics } from "@tongban/contracts";
import { sampleSubmission } from "@tongban/demo";
import { callUnary } from "@tongban/rpc";
import { queuedIn } from "../support/clients";
import {
  type CityNode,
  type Isolation,
  eventually,
  isolation,
  network,
  quietLogger,
  startCities,
  stopCities,
} from "../support/testNetwork";

describe("poison messages on a node's inbound topic", () => {
  let iso: Isolation;
  let cities: CityNode[];
  let bus: Bus;

  beforeAll(async () => {
    iso = isolation();
    cities = await startCities(iso, ["xiamen", "quanzhou"]);
    bus = new Bus({ clientId: "dlq-test", brokers: iso.kafkaBrokers }, quietLogger("dlq-test"));
  });
  afterAll(async () => {
    await bus.close();
    await stopCities(cities);
  });

  it("when undecodable, unknown-type and misrouted messages arrive, then each is dead-lettered with its reason and the partition keeps moving", async () => {
    const [xm, qz] = cities as [CityNode, CityNode];
    const inbound = topics.inbound(iso.topicPrefix, "quanzhou");
    const base = EventEnvelope.fromPartial({
      eventId: "01POISON000000000000000001",
      caseId: "CASE-P",
      sourceNode: "xiamen",
      targetNode: "quanzhou",
      caseSeq: 1,
    });
    // All three share the key of the valid case below, so they sit in front of it in the same partition.
    const req = sampleSubmission(network.node("xiamen")!, "quanzhou", 42);
    const key = "same-partition";
    await bus.publish([
      {
        topic: inbound,
        key,
        value: Buffer.from("not a protobuf \xff\xfe"),
        headers: { "event-type": "case.submitted", "trace-id": "t-1" },
      },
      { topic: inbound, key, value: encodeEnvelope({ ...base, type: "case.teleported" }), headers: { "event-type": "case.teleported" } },
      {
        topic: inbound,
        key,
        value: encodeEnvelope({
          ...base,
          eventId: "01POISON000000000000000002",
          targetNode: "zhangzhou",
          type: "case.closed",
          payload: { event: { $case: "closed", value: { closedAt: new Date() } } },
        }),
      },
    ]);

    const res = await callUnary(xm.intakeClient, xm.intakeClient.submitCase, req);
    await queuedIn(qz, res.caseId, "RECEIVED_BY_HOME");

    const dead: InRecord[] = [];
    const sub = await bus.consume({
      groupId: `${iso.topicPrefix}.dlq-reader`,
      topics: [topics.deadLetter(iso.topicPrefix, "quanzhou")],
      deadLetterTopic: `${iso.topicPrefix}.unused`,
      handle: async (r) => {
        dead.push(r);
      },
    });
    await eventually("three dead letters", async () => (dead.length >= 3 ? true : undefined));
    await sub.stop();

    const byCode = Object.fromEntries(dead.map((d) => [d.headers["x-dlq-code"], d]));
    expect(Object.keys(byCode).sort()).toEqual(["MISROUTED", "UNDECODABLE", "UNKNOWN_TYPE"]);
    expect(byCode.UNDECODABLE!.headers["trace-id"]).toBe("t-1");
    expect(byCode.UNDECODABLE!.headers["x-dlq-source-topic"]).toBe(inbound);
    expect(byCode.UNKNOWN_TYPE!.headers["x-dlq-reason"]).toContain("case.teleported");
    expect(byCode.MISROUTED!.headers["x-dlq-reason"]).toContain("zhangzhou");
    expect(await qz.db.db.collection("queue").countDocuments({ _id: "CASE-P" as never })).toBe(0);
  });
});
