import { randomBytes } from "node:crypto";
import { Binary, type Collection, type Document } from "mongodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Bus, type InRecord, classifyPublishError } from "@tongban/bus";
import { createLogger } from "@tongban/log";
import { kafkaAs } from "../../../tests/support/kafka";
import { type MongoHandle, connectMongo } from "./connectMongo";
import { type OutboxEntry, OutboxRelay, SERIALIZATION_FAILED } from "./outbox";
import { BEHIND_QUARANTINED, OutboxQuarantine } from "./outboxQuarantine";

const log = createLogger({ service: "outbox-test", level: process.env.TEST_LOG_LEVEL ?? "silent" });
const run = `t${randomBytes(4).toString("hex")}`;
const topicOf = (what: string) => `${run}.relay.${what}`;

const entry = (topic: string, key: string, value: string | Buffer): OutboxEntry => {
  const eventId = `E${randomBytes(8).toString("hex")}`;
  return { eventId, topic, key, value: new Binary(Buffer.from(value)), headers: { "event-type": "test", "event-id": eventId } };
};

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every record on a topic's partition 0, read back with a throwaway consumer. */
async function recordsOf(bus: Bus, topic: string, expected: number): Promise<InRecord[]> {
  const records: InRecord[] = [];
  const sub = await bus.consume({
    groupId: `${topic}.reader.${randomBytes(3).toString("hex")}`,
    topics: [topic],
    deadLetterTopic: `${topic}.unused`,
    handle: async (r) => void records.push(r),
  });
  try {
    await until(`${expected} records on ${topic}`, async () => (records.length >= expected ? true : undefined));
    await new Promise((r) => setTimeout(r, 500));
  } finally {
    await sub.stop();
  }
  return records;
}

describe("the outbox relay", () => {
  let mongo: MongoHandle;
  let bus: Bus;
  let docs: Collection<Document>;
  let quarantine: OutboxQuarantine;
  beforeAll(async () => {
    mongo = await connectMongo(inject("mongoUri"), `${run}_relay`);
    docs = mongo.db.collection("docs");
    quarantine = OutboxQuarantine.of(mongo.db);
    bus = new Bus(kafkaAs(`relay-test-${run}`), log);
  });
  afterAll(async () => {
    await bus.close();
    await mongo.db.dropDatabase();
    await mongo.close();
  });

  it("when a topic is missing at first, then other topics are delivered meanwhile and its entries follow on the relay's own retry timer once it exists", async () => {
    const late = topicOf("late");
    const ready = topicOf("ready");
    await bus.ensureTopics([{ topic: ready, partitions: 1 }]);
    const waiting = [entry(late, "case-1", "one"), entry(late, "case-1", "two")];
    const other = entry(ready, "case-2", "three");
    await docs.insertMany([
      { _id: "case-1" as never, rev: 1, outbox: waiting, outboxPending: true },
      { _id: "case-2" as never, rev: 1, outbox: [other], outboxPending: true },
    ]);
    // Only the start-up sweep announces them; nothing kicks the relay afterwards.
    const relay = new OutboxRelay(docs, (r) => bus.publish(r), log, {
      classify: classifyPublishError,
      quarantine,
      permanentAfterMs: 120_000,
      sweepIntervalMs: 3_600_000,
      retryMaxMs: 1_000,
    });
    relay.start();
    try {
      expect((await recordsOf(bus, ready, 1)).map((r) => r.headers["event-id"])).toEqual([other.eventId]);
      await new Promise((r) => setTimeout(r, 1_000));
      expect((await docs.findOne({ _id: "case-1" as never }))!.outbox).toHaveLength(2);
      // The relay's own count of documents still holding unpublished entries (what the gauge shows).
      expect(relay.pendingDocuments()).toBe(1);

      await bus.ensureTopics([{ topic: late, partitions: 1 }]);
      await until("case-1's outbox emptied", async () => {
        const d = await docs.findOne({ _id: "case-1" as never });
        return d!.outbox.length === 0 && d!.outboxPending === false ? true : undefined;
      });
      expect((await recordsOf(bus, late, 2)).map((r) => r.headers["event-id"])).toEqual(waiting.map((e) => e.eventId));
      expect(await quarantine.countOpen()).toBe(0);
      expect(relay.pendingDocuments()).toBe(0);
    } finally {
      await relay.stop();
    }
  });

  it("when an entry is too large, then it is quarantined, a later entry of the same case and topic waits behind it, and the case's other topics and other cases go on", async () => {
    const main = topicOf("main");
    const side = topicOf("side");
    await bus.ensureTopics([
      { topic: main, partitions: 1 },
      { topic: side, partitions: 1 },
    ]);
    const big = entry(main, "case-3", randomBytes(1_200_000));
    await docs.insertMany([
      { _id: "case-3" as never, rev: 1, outbox: [big, entry(side, "case-3", "side-1")], outboxPending: true },
      { _id: "case-4" as never, rev: 1, outbox: [entry(main, "case-4", "fine")], outboxPending: true },
    ]);
    const marked = new Map<string, OutboxEntry[]>();
    const relay = new OutboxRelay(docs, (r) => bus.publish(r), log, {
      classify: classifyPublishError,
      quarantine,
      sweepIntervalMs: 3_600_000,
      onMarked: (id, outbox) => marked.set(id, outbox),
    });
    relay.start();
    try {
      await until("case-3's outbox emptied", async () => (marked.get("case-3")?.length === 0 ? true : undefined));
      expect((await quarantine.get(big.eventId))!).toMatchObject({ reason: "MESSAGE_TOO_LARGE", docId: "case-3", state: "quarantined" });

      // The case moves on: its next event for the same topic must not overtake the quarantined one.
      const next = entry(main, "case-3", "after-big");
      const side2 = entry(side, "case-3", "side-2");
      await docs.updateOne({ _id: "case-3" as never }, { $set: { outbox: [next, side2], outboxPending: true } });
      relay.kick("case-3");
      await until("the next entry quarantined behind", async () => {
        const q = await quarantine.get(next.eventId);
        return q ? q : undefined;
      }).then((q) => expect(q).toMatchObject({ reason: BEHIND_QUARANTINED, behind: big.eventId }));

      const onMain = await recordsOf(bus, main, 1);
      expect(onMain.map((r) => r.key)).toEqual(["case-4"]);
      expect((await recordsOf(bus, side, 2)).map((r) => r.value?.toString())).toEqual(["side-1", "side-2"]);
    } finally {
      await relay.stop();
    }
  });

  it("when a stored entry cannot be encoded as a record, then it is quarantined and the entries before it are published", async () => {
    const topic = topicOf("encode");
    await bus.ensureTopics([{ topic, partitions: 1 }]);
    const fine = entry(topic, "case-5", "fine");
    const broken = { ...entry(topic, "case-5", "x"), value: "not binary", headers: { "event-type": 42 } } as unknown as OutboxEntry;
    await docs.insertOne({ _id: "case-5" as never, rev: 1, outbox: [fine, broken], outboxPending: true });
    const relay = new OutboxRelay(docs, (r) => bus.publish(r), log, {
      classify: classifyPublishError,
      quarantine,
      sweepIntervalMs: 3_600_000,
    });
    relay.start();
    try {
      const q = await until("the broken entry quarantined", async () => (await quarantine.get(broken.eventId)) ?? undefined);
      expect(q).toMatchObject({ reason: SERIALIZATION_FAILED, docId: "case-5" });
      expect((await recordsOf(bus, topic, 1)).map((r) => r.headers["event-id"])).toEqual([fine.eventId]);
      await until("case-5's outbox emptied", async () =>
        (await docs.findOne({ _id: "case-5" as never }))!.outbox.length === 0 ? true : undefined,
      );
    } finally {
      await relay.stop();
    }
  });
});
