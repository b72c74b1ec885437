import { describe, expect, it } from "vitest";
import { toDeadLetter } from "./deadLetter";

describe("toDeadLetter", () => {
  it("when the record is an outbox quarantine notice without a value, then its case, event and type come from its headers", () => {
    const dl = toDeadLetter(
      "quanzhou",
      {
        topic: "p.quanzhou.dlq",
        partition: 0,
        offset: "7",
        key: "01CASE",
        value: Buffer.alloc(0),
        headers: {
          "event-type": "case.submitted",
          "event-id": "01EVENT",
          "source-node": "quanzhou",
          "x-dlq-code": "OUTBOX_QUARANTINED",
          "x-dlq-reason": "MESSAGE_TOO_LARGE: too large",
          "x-dlq-source-topic": "p.xiamen.inbound",
          "x-quarantine-case": "01CASE",
          "x-quarantine-event": "01EVENT",
          "x-quarantine-size": "1200000",
        },
      },
      new Date("2026-01-05T00:00:00Z"),
      "p.quanzhou.node",
    );
    expect(dl).toMatchObject({
      code: "OUTBOX_QUARANTINED",
      reason: "MESSAGE_TOO_LARGE: too large",
      sourceTopic: "p.xiamen.inbound",
      size: 1_200_000,
      event: { eventId: "01EVENT", caseId: "01CASE", type: "case.submitted", sourceNode: "quanzhou" },
    });
  });
});
