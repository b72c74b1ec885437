import { randomBytes } from "node:crypto";
import { MongoNetworkError } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bus, type ConsumeOptions, HANDLER_ERROR, type InRecord } from "@tongban/bus";
import { HealthMonitor, type HealthReport } from "@tongban/runtime";
import { readTopic } from "../support/readTopic";
import { eventually, quietLogger, busAs } from "../support/testNetwork";

/** A personal-looking value that must never reach a dead-letter reason. */
const SECRET = "张三丰 350203199001011234";

describe("a consumer that never dies silently and never blocks a partition", () => {
  const run = `t${randomBytes(4).toString("hex")}`;
  let bus: Bus;
  let n = 0;
  const fresh = async () => {
    n += 1;
    const topic = `${run}.robust.${n}`;
    const dlq = `${topic}.dlq`;
    // One partition: the order of the records is the order they are handled in.
    await bus.ensureTopics([
      { topic, partitions: 1 },
      { topic: dlq, partitions: 1 },
    ]);
    return { topic, dlq, group: `${topic}.group` };
  };
  const publish = (topic: string, ids: string[]) =>
    bus.publish(
      ids.map((id) => ({ topic, key: "case-1", value: Buffer.from(JSON.stringify({ id, applicant: SECRET })), headers: { "x-id": id } })),
    );
  const idOf = (r: InRecord) => r.headers["x-id"]!;
  const quick: Partial<ConsumeOptions> = { retryBackoff: { initialMs: 50, maxMs: 200 } };

  beforeAll(() => {
    bus = busAs("robust-test");
  });
  afterAll(async () => {
    await bus.close();
  });

  it("when one record fails the same way every time, then after the set attempts it is dead-lettered as HANDLER_ERROR with only the error text, and the records after it are handled", async () => {
    const { topic, dlq, group } = await fresh();
    const attempts = new Map<string, number>();
    const handled: string[] = [];
    const sub = await bus.consume({
      ...quick,
      groupId: group,
      topics: [topic],
      deadLetterTopic: dlq,
      maxHandlerAttempts: 4,
      handle: async (r) => {
        attempts.set(idOf(r), (attempts.get(idOf(r)) ?? 0) + 1);
        if (idOf(r) === "bad") throw new TypeError("cannot read properties of undefined (reading 'decision')");
        handled.push(idOf(r));
      },
    });
    try {
      await publish(topic, ["a", "bad", "b", "c"]);
      await eventually("the records after the bad one handled", async () => (handled.includes("c") ? true : undefined));
      expect(handled).toEqual(["a", "b", "c"]);
      expect(attempts.get("bad")).toBe(4);
      const [dead, ...more] = await readTopic(bus, dlq, (rs) => rs.length >= 1);
      expect(more).toEqual([]);
      expect(dead!.headers["x-id"]).toBe("bad");
      expect(dead!.headers["x-dlq-code"]).toBe(HANDLER_ERROR);
      expect(dead!.headers["x-dlq-reason"]).toBe("TypeError: cannot read properties of undefined (reading 'decision')");
      expect(JSON.stringify(dead!.headers)).not.toContain("张三丰");
      await eventually("the group committed past every record", async () => ((await bus.lag(group, topic)) === 0 ? true : undefined));
      expect(sub.status()).toMatchObject({ state: "running", restarts: 0 });
    } finally {
      await sub.stop();
    }
  });

  it("when the store is unreachable for a while, then the record is retried until it succeeds, in order, never dead-lettered or committed past", async () => {
    const { topic, dlq, group } = await fresh();
    let outageLeft = 6;
    const handled: string[] = [];
    const lagDuringOutage: number[] = [];
    const sub = await bus.consume({
      ...quick,
      groupId: group,
      topics: [topic],
      deadLetterTopic: dlq,
      // Fewer attempts than the outage lasts: a transient failure must not count towards them.
      maxHandlerAttempts: 2,
      handle: async (r) => {
        if (idOf(r) === "x" && outageLeft > 0) {
          outageLeft -= 1;
          lagDuringOutage.push(await bus.lag(group, topic));
          throw new MongoNetworkError("connection 3 to 127.0.0.1:27018 closed");
        }
        handled.push(idOf(r));
      },
    });
    try {
      await publish(topic, ["w", "x", "y", "z"]);
      await eventually("every record handled", async () => (handled.length === 4 ? true : undefined));
      expect(handled).toEqual(["w", "x", "y", "z"]);
      expect(outageLeft).toBe(0);
      // While x kept failing, x, y and z stayed uncommitted.
      expect(Math.min(...lagDuringOutage.slice(1))).toBeGreaterThanOrEqual(3);
      await eventually("committed", async () => ((await bus.lag(group, topic)) === 0 ? true : undefined));
      expect(await readTopic(bus, dlq)).toEqual([]);
    } finally {
      await sub.stop();
    }
  });

  it("when the consumer crashes, then it is re-created, health says NOT_SERVING until it runs again, and every record is handled", async () => {
    const { topic, dlq, group } = await fresh();
    let crashesLeft = 2;
    const handled = new Set<string>();
    const sub = await bus.consume({
      ...quick,
      groupId: group,
      topics: [topic],
      deadLetterTopic: dlq,
      kafkaRetry: { retries: 0 },
      restartBackoff: { initialMs: 300, maxMs: 1_000 },
      handle: async (r) => void handled.add(idOf(r)),
      // A flush that fails with a bug, not an outage: kafkajs gives up on the run (a crash).
      beforeCommit: async () => {
        if (crashesLeft > 0) {
          crashesLeft -= 1;
          throw new RangeError("flush failed");
        }
      },
    });
    const reports: HealthReport[] = [];
    const states = new Set<string>();
    const monitor = new HealthMonitor({
      intervalMs: 20,
      log: quietLogger("health"),
      checks: [{ name: "consumer", check: () => sub.status().state === "running" }],
      onChange: (r) => reports.push(r),
    });
    await monitor.start();
    const watch = setInterval(() => states.add(sub.status().state), 5);
    try {
      await publish(topic, ["p", "q", "r"]);
      await eventually("re-created after both crashes", async () => (sub.status().restarts >= 2 ? true : undefined));
      await eventually("committed", async () => ((await bus.lag(group, topic)) === 0 ? true : undefined));
      expect([...handled].sort()).toEqual(["p", "q", "r"]);
      expect(states).toContain("crashed");
      // kafkajs wraps what ended the run; its message is kept.
      expect(sub.status()).toMatchObject({ state: "running", lastError: expect.stringMatching(/: flush failed$/) });
      await eventually("SERVING again", async () => (monitor.report().serving ? true : undefined));
      expect(reports.map((r) => r.serving)).toEqual(expect.arrayContaining([true, false]));
      const firstDown = reports.findIndex((r) => !r.serving);
      expect(reports.slice(firstDown).some((r) => r.serving)).toBe(true);
    } finally {
      clearInterval(watch);
      await monitor.stop();
      await sub.stop();
    }
  });
});
