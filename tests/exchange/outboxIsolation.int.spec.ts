import { randomBytes } from "node:crypto";
import { status } from "@grpc/grpc-js";
import { Binary } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bus, type InRecord } from "@tongban/bus";
import { bufferOutput, runCli } from "@tongban/cli";
import { topics } from "@tongban/contracts";
import { kafkaPrincipals } from "@tongban/runtime";
import { sampleSubmission } from "@tongban/demo";
import { parseExposition } from "@tongban/metrics";
import { BEHIND_QUARANTINED, OUTBOX_QUARANTINED, type OutboxEntry, OutboxQuarantine, type QuarantinedEntry } from "@tongban/store";
import { type CaseDoc, type CaseLog, CHECKPOINTS, LogOutbox, rowId } from "@tongban/exchange";
import { apis, queuedIn } from "../support/clients";
import { readTopic } from "../support/readTopic";
import { type CityNode, type Isolation, eventually, isolation, network, startCities, stopCities, busAs } from "../support/testNetwork";

const entry = (topic: string, key: string, value: Buffer, type: string): OutboxEntry => {
  const eventId = `01Q${randomBytes(10).toString("hex").toUpperCase()}`;
  return { eventId, topic, key, value: new Binary(value), headers: { "event-type": type, "event-id": eventId, "source-node": "quanzhou" } };
};

async function metric(city: CityNode, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const text = await (await fetch(`http://127.0.0.1:${city.node.metricsPort}/metrics`)).text();
  return parseExposition(text).find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

describe("an outbox entry that cannot be published", () => {
  let iso: Isolation;
  let cities: CityNode[];
  let bus: Bus;
  beforeAll(async () => {
    iso = isolation();
    // The unknown-topic wait is shortened so the test does not sit through the 30 s default.
    cities = await startCities(iso, ["xiamen", "quanzhou", "zhangzhou"], undefined, { outboxUnknownTopicWaitMs: 2_000 });
    bus = busAs("outbox-isolation");
  });
  afterAll(async () => {
    await bus.close();
    await stopCities(cities);
  });

  it("when one entry is too large and another aims at a missing topic, then the city's other cases still reach both peers, the bad entries are quarantined with their reason, counted and noticed, and after the fix a resend delivers them once, in order", async () => {
    const [xm, qz, zz] = cities as [CityNode, CityNode, CityNode];
    const quanzhou = network.node("quanzhou")!;
    const missingTopic = topics.inbound(iso.topicPrefix, "fuzhou");
    // A broker with ACLs does not tell a client whether a topic it may not describe exists.
    const missingReason = iso.kafka.users ? "TOPIC_AUTHORIZATION_FAILED" : "UNKNOWN_TOPIC_OR_PARTITION";

    // Appended to the case log without the size check a writer makes (as an older version could have).
    const tooLarge = entry(topics.inbound(iso.topicPrefix, "xiamen"), "01QBIGCASE", randomBytes(1_200_000), "case.submitted");
    const toMissing = [
      entry(missingTopic, "01QFUZHOUCASE", Buffer.from("first"), "case.submitted"),
      entry(missingTopic, "01QFUZHOUCASE", Buffer.from("second"), "case.forwarded"),
    ];
    const rawCase = (id: string, receiptKey: string, outbox: OutboxEntry[]) => {
      const doc = { _id: id, receiptKey, rev: 1 } as CaseDoc;
      return qz.node.ctx.caseLog.append({ _id: rowId(id, 1), caseId: id, rev: 1, at: new Date(), set: doc, outbox }, doc).done;
    };
    await Promise.all([rawCase("01QBIGCASE", "quanzhou:Q-BIG", [tooLarge]), rawCase("01QFUZHOUCASE", "quanzhou:Q-FZ", toMissing)]);

    const sent = await Promise.all([
      ...[0, 1, 2].map((i) => apis(qz).submit(sampleSubmission(quanzhou, "xiamen", 700 + i, "QISO"))),
      ...[0, 1, 2].map((i) => apis(qz).submit(sampleSubmission(quanzhou, "zhangzhou", 710 + i, "QISO"))),
    ]);
    await Promise.all([
      ...sent.slice(0, 3).map((r) => queuedIn(xm, r.caseId, "RECEIVED_BY_HOME")),
      ...sent.slice(3).map((r) => queuedIn(zz, r.caseId, "RECEIVED_BY_HOME")),
    ]);

    const quarantine = OutboxQuarantine.of(qz.db.db);
    const open = await eventually("three quarantined entries", async () => {
      const q = await quarantine.open();
      return q.length === 3 ? new Map(q.map((e) => [e._id, e])) : undefined;
    });
    const big = open.get(tooLarge.eventId)!;
    expect(big).toMatchObject({ docId: "01QBIGCASE", topic: tooLarge.topic, reason: "MESSAGE_TOO_LARGE", state: "quarantined" });
    expect(big.size).toBeGreaterThan(1_200_000);
    expect(open.get(toMissing[0]!.eventId)).toMatchObject({ reason: missingReason, topic: missingTopic });
    expect(open.get(toMissing[1]!.eventId)).toMatchObject({ reason: BEHIND_QUARANTINED, behind: toMissing[0]!.eventId });
    // Out of the relay's way, so nothing keeps retrying them, and the relay's checkpoint passes them.
    const outbox = (qz.node.ctx.caseLog as CaseLog).outbox;
    await eventually("outbox emptied", async () => (!outbox.has("01QBIGCASE") && !outbox.has("01QFUZHOUCASE") ? true : undefined));
    await outbox.save();
    expect(await LogOutbox.checkpointOf(qz.db.db.collection(CHECKPOINTS))).toBe(outbox.position());

    expect(await metric(qz, "tongban_outbox_quarantined_total", { reason: "MESSAGE_TOO_LARGE" })).toBe(1);
    expect(await metric(qz, "tongban_outbox_quarantined_total", { reason: missingReason })).toBe(1);
    expect(await metric(qz, "tongban_outbox_quarantined_total", { reason: BEHIND_QUARANTINED })).toBe(1);
    expect(await metric(qz, "tongban_outbox_quarantine_open")).toBe(3);

    // One notice per failure on the node's dead-letter topic, beside its dead letters: metadata only.
    const isNotice = (r: InRecord) => r.headers["x-dlq-code"] === OUTBOX_QUARANTINED;
    const notices = (await readTopic(bus, topics.deadLetter(iso.topicPrefix, "quanzhou"), (rs) => rs.filter(isNotice).length >= 2)).filter(
      isNotice,
    );
    expect(notices.map((n) => n.headers["x-quarantine-event"]).sort()).toEqual([tooLarge.eventId, toMissing[0]!.eventId].sort());
    for (const n of notices) expect(n.value?.length ?? 0).toBe(0);
    const bigNotice = notices.find((n) => n.headers["x-quarantine-event"] === tooLarge.eventId)!;
    expect(bigNotice.key).toBe("01QBIGCASE");
    expect(bigNotice.headers["x-dlq-reason"]).toMatch(/^MESSAGE_TOO_LARGE: /);
    expect(bigNotice.headers["x-dlq-source-topic"]).toBe(tooLarge.topic);
    expect(Number(bigNotice.headers["x-quarantine-size"])).toBeGreaterThan(1_200_000);

    // The operator sees what is quarantined and why.
    const cli = (out: ReturnType<typeof bufferOutput>) => ({
      bus,
      network,
      topicPrefix: iso.topicPrefix,
      nodesHost: "127.0.0.1",
      out,
      openQuarantine: async () => ({ quarantine, close: async () => undefined }),
    });
    const replayed = bufferOutput();
    expect(await runCli(["dlq", "replay", "--node", "quanzhou", "--all"], cli(replayed))).toBe(1);
    expect(replayed.text()).toContain(`quarantine resend quanzhou ${tooLarge.eventId}`);
    expect(replayed.text()).toContain("replayed 0");

    const listed = bufferOutput();
    expect(await runCli(["quarantine", "list", "quanzhou"], cli(listed))).toBe(0);
    expect(listed.text()).toContain(tooLarge.eventId);
    expect(listed.text()).toContain("MESSAGE_TOO_LARGE");
    expect(listed.text()).toContain("3 still quarantined");

    // The fix: the topic is created and Quanzhou's node may write it. The operator asks for the
    // entry waiting behind; its head goes first.
    await bus.ensureTopics([{ topic: missingTopic, partitions: 1 }]);
    if (iso.kafka.users) {
      const grant = [
        {
          principal: `User:${kafkaPrincipals.node("quanzhou")}`,
          resource: "topic",
          name: missingTopic,
          pattern: "literal",
          operation: "write",
        },
      ] as const;
      await bus.createAcls(grant);
      await eventually("the grant applied", async () => ((await bus.countAcls(grant)) === 1 ? true : undefined));
    }
    const out = bufferOutput();
    expect(await runCli(["quarantine", "resend", "quanzhou", toMissing[1]!.eventId], cli(out))).toBe(0);
    expect(out.text()).toContain(toMissing[0]!.eventId);

    await eventually("both entries resent", async () => {
      const states = await Promise.all(toMissing.map((e) => quarantine.get(e.eventId)));
      return states.every((s) => s?.state === "resent") ? true : undefined;
    });
    // Give a second resend (if there were one) the time to happen before counting.
    await new Promise((r) => setTimeout(r, 3_000));
    const delivered = await readTopic(bus, missingTopic);
    expect(delivered.map((r) => r.headers["event-id"])).toEqual(toMissing.map((e) => e.eventId));
    expect(delivered.map((r) => r.value?.toString())).toEqual(["first", "second"]);
    expect(((await quarantine.get(tooLarge.eventId)) as QuarantinedEntry).state).toBe("quarantined");
    expect(await metric(qz, "tongban_outbox_quarantine_open")).toBe(1);

    // And the city keeps sending.
    const later = await apis(qz).submit(sampleSubmission(quanzhou, "xiamen", 720, "QISO"));
    await queuedIn(xm, later.caseId, "RECEIVED_BY_HOME");
  }, 120_000);
});

describe("a submission whose envelope would exceed the limit", () => {
  let iso: Isolation;
  let cities: CityNode[];
  beforeAll(async () => {
    iso = isolation();
    cities = await startCities(iso, ["xiamen", "quanzhou"], undefined, { outboxMaxEnvelopeBytes: 8 * 1024 });
  });
  afterAll(async () => {
    await stopCities(cities);
  });

  it("when SubmitCase is within every field bound but its envelope is over the configured maximum, then it fails with INVALID_ARGUMENT naming the submission and its size, and nothing is written", async () => {
    const [xm] = cities as [CityNode, CityNode];
    const xiamen = network.node("xiamen")!;
    const req = sampleSubmission(xiamen, "quanzhou", 730, "XBIG");
    req.materials = Array.from({ length: 40 }, (_, i) => ({ name: `${"材".repeat(96)}${String(i).padStart(2, "0")}`, copies: 1 }));
    const err = await apis(xm)
      .submit(req)
      .then(
        () => undefined,
        (e: { code?: number; details?: string }) => e,
      );
    expect(err?.code).toBe(status.INVALID_ARGUMENT);
    expect(err?.details).toMatch(/submission: 申请数据过大 \/ submission too large: \d+ bytes, max 8192/);
    expect(await xm.db.db.collection("cases").countDocuments({ receiptKey: `xiamen:${req.receiptNo}` })).toBe(0);

    // A submission within the limit is accepted by the same node.
    const ok = await apis(xm).submit(sampleSubmission(xiamen, "quanzhou", 731, "XBIG"));
    expect(ok.caseId).toBeTruthy();
  });

  it("when a home authority's command is within its field bounds but its event would be over the maximum, then it fails with INVALID_ARGUMENT naming the command, and the case is unchanged", async () => {
    const [xm, qz] = cities as [CityNode, CityNode];
    const { caseId } = await apis(xm).submit(sampleSubmission(network.node("xiamen")!, "quanzhou", 732, "XBIG"));
    const before = await queuedIn(qz, caseId, "RECEIVED_BY_HOME");
    await apis(qz).claim(caseId);
    const reasons = Array.from({ length: 20 }, (_, i) => `${"理".repeat(400)}${i}`);
    const err = await apis(qz)
      .exec(caseId, { $case: "refuse", value: { reasons } })
      .then(
        () => undefined,
        (e: { code?: number; details?: string }) => e,
      );
    expect(err?.code).toBe(status.INVALID_ARGUMENT);
    expect(err?.details).toMatch(/command: 指令数据过大 \/ command too large: \d+ bytes, max 8192/);
    const after = (await apis(qz).queued(caseId))!;
    expect(after.case!.state).toBe("RECEIVED_BY_HOME");
    expect(after.case!.seq).toBe(before.case!.seq);
  });
});
