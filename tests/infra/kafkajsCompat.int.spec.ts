import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type InRecord, type Subscription } from "@tongban/bus";
import { eventually, isolation, busAs } from "../support/testNetwork";

/**
 * kafkajs 2.2.4 is the last release; this proves it against the pinned broker: produce with the
 * idempotent producer, consume in a group with manual commits, and resume after a restart.
 */
describe("kafkajs against the pinned Kafka broker", () => {
  const iso = isolation();
  const topic = `${iso.topicPrefix}.compat`;
  const dlq = `${iso.topicPrefix}.compat.dlq`;
  const bus = busAs("compat");

  beforeAll(() =>
    bus.ensureTopics([
      { topic, partitions: 2 },
      { topic: dlq, partitions: 1 },
    ]),
  );
  afterAll(() => bus.close());

  const records = (from: number, to: number) =>
    Array.from({ length: to - from }, (_, i) => ({ topic, key: `k${(from + i) % 4}`, value: Buffer.from(`m${from + i}`) }));

  async function consumeInto(seen: string[]): Promise<Subscription> {
    return bus.consume({
      groupId: `${iso.topicPrefix}.compat.group`,
      topics: [topic],
      deadLetterTopic: dlq,
      handle: async (r: InRecord) => {
        seen.push(r.value!.toString());
      },
    });
  }

  it("when a group consumer commits and restarts, then it resumes after the last commit with nothing lost or repeated", async () => {
    await bus.publish(records(0, 20));
    const first: string[] = [];
    const sub1 = await consumeInto(first);
    await eventually("first 20 consumed", async () => (first.length >= 20 ? true : undefined));
    await sub1.stop();

    await bus.publish(records(20, 30));
    const second: string[] = [];
    const sub2 = await consumeInto(second);
    await eventually("next 10 consumed", async () => (second.length >= 10 ? true : undefined));
    await sub2.stop();

    expect(first.sort()).toEqual(
      records(0, 20)
        .map((r) => r.value.toString())
        .sort(),
    );
    expect(second.sort()).toEqual(
      records(20, 30)
        .map((r) => r.value.toString())
        .sort(),
    );
  });

  it("when records share a key, then they are consumed in the order produced", async () => {
    const ordered = `${iso.topicPrefix}.ordered`;
    await bus.ensureTopics([{ topic: ordered, partitions: 3 }]);
    await bus.publish(Array.from({ length: 50 }, (_, i) => ({ topic: ordered, key: "case-1", value: Buffer.from(String(i)) })));
    const seen: number[] = [];
    const sub = await bus.consume({
      groupId: `${iso.topicPrefix}.ordered.group`,
      topics: [ordered],
      deadLetterTopic: dlq,
      handle: async (r) => {
        seen.push(Number(r.value!.toString()));
      },
    });
    await eventually("50 consumed", async () => (seen.length >= 50 ? true : undefined));
    await sub.stop();
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
