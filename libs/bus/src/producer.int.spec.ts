import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { kafkaAs } from "../../../tests/support/kafka";
import { createLogger } from "@tongban/log";
import { Kafka, logLevel as kafkaLogLevel } from "kafkajs";
import { Bus } from "./bus";
import { kafkaConfig } from "./kafkaOptions";
import { classifyPublishError, RecoveringProducer } from "./producer";
import { readRecords } from "./readRecords";

const log = createLogger({ service: "producer-test", level: process.env.TEST_LOG_LEVEL ?? "silent" });
const conn = () => kafkaAs(`producer-test-${randomBytes(3).toString("hex")}`);
const topicName = (what: string) => `t${randomBytes(4).toString("hex")}.producer.${what}`;

async function failureOf(p: Promise<void>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("the send succeeded");
}

describe("the bus's producer", () => {
  it("when a send names a topic the broker does not have, then it fails within a bounded time as an unknown topic", async () => {
    const bus = new Bus(conn(), log);
    try {
      const started = Date.now();
      const err = await failureOf(bus.publish([{ topic: topicName("missing"), key: "k", value: Buffer.from("v") }]));
      const took = Date.now() - started;
      expect(took).toBeLessThan(20_000);
      expect(classifyPublishError(err)).toEqual({ code: "UNKNOWN_TOPIC_OR_PARTITION", kind: "permanentAfterWait", topicWide: true });
    } finally {
      await bus.close();
    }
  });

  it("when a batch over several partitions fails on an oversized record, then every record of the next sends on the same bus is written, in order", async () => {
    const bus = new Bus(conn(), log);
    const topic = topicName("large");
    const keys = Array.from({ length: 9 }, (_, i) => `case-${i}`);
    try {
      await bus.ensureTopics([{ topic, partitions: 3 }]);
      await bus.publish(keys.map((key) => ({ topic, key, value: Buffer.from("first") })));
      const err = await failureOf(
        bus.publish([
          ...keys.map((key) => ({ topic, key, value: Buffer.from("failed-batch") })),
          { topic, key: "big", value: randomBytes(1_500_000) },
        ]),
      );
      expect(classifyPublishError(err)).toMatchObject({ code: "MESSAGE_TOO_LARGE", kind: "permanent", topicWide: false });
      // The partitions of the failed batch the broker did write leave kafkajs's sequence numbers
      // behind the broker's: a kept producer's next batches there are taken for duplicates and dropped.
      for (let i = 0; i < 3; i++) await bus.publish(keys.map((key) => ({ topic, key, value: Buffer.from(`after-${i}`) })));

      const seen = new Map<string, string[]>();
      for (const partition of [0, 1, 2]) {
        const offsets = Array.from({ length: 60 }, (_, i) => String(i));
        for (const r of (await readRecords(conn(), log, topic, partition, offsets)).values()) {
          const k = r.key ?? "";
          seen.set(k, [...(seen.get(k) ?? []), r.value?.toString() ?? ""]);
        }
      }
      for (const key of keys) {
        expect(seen.get(key)!.filter((v) => v !== "failed-batch")).toEqual(["first", "after-0", "after-1", "after-2"]);
      }
    } finally {
      await bus.close();
    }
  });
});

describe("concurrent sends through one producer", () => {
  it("when many sends are started at once, then they reach kafkajs one at a time in the order they were started, and every record is written", async () => {
    const kafka = new Kafka({ ...kafkaConfig(conn()), logLevel: kafkaLogLevel.NOTHING });
    // Counts the sends kafkajs has in hand at once; the broker and the producer are real.
    let inFlight = 0;
    let maxInFlight = 0;
    const started: string[] = [];
    const makeProducer = kafka.producer.bind(kafka);
    kafka.producer = (config) => {
      const p = makeProducer(config);
      const sendBatch = p.sendBatch.bind(p);
      p.sendBatch = async (batch) => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        started.push(String(batch.topicMessages?.[0]?.messages[0]?.value));
        try {
          return await sendBatch(batch);
        } finally {
          inFlight -= 1;
        }
      };
      return p;
    };
    const producer = new RecoveringProducer(kafka, log);
    const bus = new Bus(conn(), log);
    const topic = topicName("concurrent");
    const values = Array.from({ length: 20 }, (_, i) => `v${i}`);
    try {
      await bus.ensureTopics([{ topic, partitions: 1 }]);
      await Promise.all(values.map((v) => producer.send([{ topic, messages: [{ key: "dlq", value: v }] }])));
      expect(maxInFlight).toBe(1);
      expect(started).toEqual(values);
      const written = await readRecords(
        conn(),
        log,
        topic,
        0,
        values.map((_, i) => String(i)),
      );
      expect([...written.values()].map((r) => r.value?.toString())).toEqual(values);
    } finally {
      await producer.close();
      await bus.close();
    }
  });
});
