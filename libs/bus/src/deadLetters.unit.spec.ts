import { describe, expect, it } from "vitest";
import { deadLetterHeaders, parseDeadLetter, replayHeaders } from "./deadLetters";

describe("dead-letter headers", () => {
  it("when the consumer's headers of a dead letter are read back, then every field comes back typed", () => {
    const at = new Date("2026-11-26T09:00:00.000Z");
    const h = deadLetterHeaders({
      reason: "unknown case",
      code: "UNKNOWN_CASE",
      sourceTopic: "t.quanzhou.inbound",
      sourcePartition: 2,
      sourceOffset: "40",
      group: "t.quanzhou.node",
      at,
    });
    expect(Object.keys(h).every((k) => k.startsWith("x-dlq-"))).toBe(true);
    expect(parseDeadLetter(h)).toEqual({
      reason: "unknown case",
      code: "UNKNOWN_CASE",
      sourceTopic: "t.quanzhou.inbound",
      sourcePartition: 2,
      sourceOffset: "40",
      group: "t.quanzhou.node",
      at,
      replayId: undefined,
    });
  });

  it("when headers are missing or malformed, then the parser leaves those fields out instead of inventing them", () => {
    expect(parseDeadLetter({ "x-dlq-source-partition": "two", "x-dlq-at": "yesterday", "x-replay-id": "r-1" })).toEqual({
      reason: "",
      code: "",
      sourceTopic: undefined,
      sourcePartition: undefined,
      sourceOffset: undefined,
      group: undefined,
      at: undefined,
      replayId: "r-1",
    });
  });

  it("when a replay of a replay is marked, then the dead-letter headers and the earlier marks are gone and only this replay's remain", () => {
    const original = {
      "event-type": "case.accepted",
      "x-dlq-code": "UNKNOWN_CASE",
      "x-replay-id": "r-1",
      "x-replay-of": "t.quanzhou.dlq:0:3",
    };
    expect(replayHeaders(original, "r-2", "t.quanzhou.dlq:0:9")).toEqual({
      "event-type": "case.accepted",
      "x-replay-id": "r-2",
      "x-replay-of": "t.quanzhou.dlq:0:9",
    });
  });
});
