import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { kafkaAs } from "../../../tests/support/kafka";
import { createLogger } from "@tongban/log";
import { Bus } from "./bus";
import { MAX_DLQ_REASON_CHARS, PoisonMessage } from "./consumer";
import { readRecords } from "./readRecords";

const log = createLogger({ service: "consumer-test", level: process.env.TEST_LOG_LEVEL ?? "silent" });
const conn = () => kafkaAs(`consumer-test-${randomBytes(3).toString("hex")}`);
const topicName = (what: string) => `t${randomBytes(4).toString("hex")}.consumer.${what}`;

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("dead-lettering a record the dead-letter topic cannot take", () => {
  it("when a record near the broker's size limit is poison with a huge reason, then it is dead-lettered without its value, marked, and the next record is handled", async () => {
    const bus = new Bus(conn(), log);
    const topic = topicName("big");
    const dlq = `${topic}.dlq`;
    const handled: string[] = [];
    const hugeReason = `event for node '${"z".repeat(200_000)}' arrived at 'xiamen'`;
    try {
      // Default max.message.bytes (1 MiB): the record fits, the record plus dead-letter headers does not.
      await bus.ensureTopics([
        { topic, partitions: 1 },
        { topic: dlq, partitions: 1 },
      ]);
      await bus.publish([
        {
          topic,
          key: "case-big",
          value: randomBytes(1_048_576 - 600),
          headers: { "x-id": "big", "event-type": "case.submitted", "event-id": "01BIG" },
        },
      ]);
      await bus.publish([{ topic, key: "case-next", value: Buffer.from("next"), headers: { "x-id": "next" } }]);
      const sub = await bus.consume({
        groupId: `${topic}.group`,
        topics: [topic],
        deadLetterTopic: dlq,
        retryBackoff: { initialMs: 50, maxMs: 200 },
        handle: async (r) => {
          if (r.headers["x-id"] === "big") throw new PoisonMessage(hugeReason, "MISROUTED");
          handled.push(r.headers["x-id"]!);
        },
      });
      try {
        await until("the record after the big one handled", () => (handled.includes("next") ? true : undefined));
      } finally {
        await sub.stop();
      }
      expect(handled).toEqual(["next"]);

      const dead = await readRecords(conn(), log, dlq, 0, ["0", "1"]);
      expect([...dead.keys()]).toEqual(["0"]);
      const d = dead.get("0")!;
      expect(d.key).toBe("case-big");
      expect(d.value?.length ?? 0).toBe(0);
      expect(d.headers["x-dlq-value-dropped"]).toBe("MESSAGE_TOO_LARGE");
      expect(d.headers["x-dlq-code"]).toBe("MISROUTED");
      expect(d.headers["x-dlq-source-topic"]).toBe(topic);
      expect(d.headers["x-dlq-source-offset"]).toBe("0");
      expect(d.headers["event-type"]).toBe("case.submitted");
      expect(d.headers["event-id"]).toBe("01BIG");
      expect(d.headers["x-id"]).toBeUndefined();
      const reason = d.headers["x-dlq-reason"]!;
      expect(reason.startsWith("event for node 'zzz")).toBe(true);
      expect(reason.length).toBeLessThan(MAX_DLQ_REASON_CHARS + 100);
    } finally {
      await bus.close();
    }
  });
});
