import { describe, expect, it } from "vitest";
import { deadLetterOf, replayRecordOf } from "./deadLetter";

const dead = (headers: Record<string, string>) =>
  deadLetterOf("quanzhou", {
    topic: "t.quanzhou.dlq",
    partition: 0,
    offset: "17",
    key: "01CASE",
    value: Buffer.from("payload"),
    headers,
    timestamp: "0",
  });

describe("replaying a dead letter", () => {
  const headers = {
    "event-type": "case.accepted",
    "trace-id": "abc",
    "x-dlq-reason": "unknown case",
    "x-dlq-code": "UNKNOWN_CASE",
    "x-dlq-source-topic": "t.quanzhou.inbound",
    "x-dlq-source-partition": "2",
    "x-dlq-source-offset": "40",
    "x-dlq-group": "t.quanzhou.node",
    "x-dlq-at": "2026-11-26T09:00:00.000Z",
  };

  it("when it came from the node's inbound topic, then the original key, value and headers go back there without the x-dlq-* ones", () => {
    const d = dead(headers);
    expect(d).toMatchObject({
      code: "UNKNOWN_CASE",
      reason: "unknown case",
      sourceTopic: "t.quanzhou.inbound",
      sourcePartition: 2,
      sourceOffset: "40",
      type: "case.accepted",
    });
    expect(replayRecordOf(d, "t.quanzhou.inbound", "replay-1")).toEqual({
      topic: "t.quanzhou.inbound",
      key: "01CASE",
      value: Buffer.from("payload"),
      headers: { "event-type": "case.accepted", "trace-id": "abc", "x-replay-id": "replay-1", "x-replay-of": "t.quanzhou.dlq:0:17" },
    });
  });

  it("when it names no source or another topic, then it is not replayed", () => {
    expect(replayRecordOf(dead({ ...headers, "x-dlq-source-topic": "t.xiamen.inbound" }), "t.quanzhou.inbound")).toBeUndefined();
    const { "x-dlq-source-topic": _, ...noSource } = headers;
    expect(replayRecordOf(dead(noSource), "t.quanzhou.inbound")).toBeUndefined();
  });
});
