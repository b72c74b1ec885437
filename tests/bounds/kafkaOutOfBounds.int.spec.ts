import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { MAX_LEGS, MAX_LIST_ENTRIES, MAX_MATERIALS, MAX_NAME_LENGTH, MAX_REASON_LENGTH } from "@tongban/bounds";
import { CaseSubmitted, type EventEnvelope, topics } from "@tongban/contracts";
import { sampleSubmission } from "@tongban/demo";
import { OUT_OF_BOUNDS_CODE } from "@tongban/exchange";
import { apis, queuedIn } from "../support/clients";
import { sealedSubmission, signedEnvelope } from "../support/devSigning";
import { readTopic } from "../support/readTopic";
import { type CityNode, eventually, network, useCities } from "../support/testNetwork";

const xiamen = network.node("xiamen")!;
const newCaseId = () => `01OOB${randomBytes(16).toString("hex").toUpperCase()}`.slice(0, 26);

/** One out-of-bounds record: the field its dead-letter reason must name and values it must not contain. */
interface OutOfBounds {
  kind: string;
  caseId: string;
  envelope: Buffer;
  field: string;
  secrets: string[];
}

describe("well-formed events out of input bounds on a node's inbound topic", () => {
  const net = useCities(["xiamen", "quanzhou"], "bounds-kafka-oob");

  it("when correctly addressed events break the input bounds, then each is dead-lettered naming the field without its value, nothing is applied and a valid case behind them is delivered", async () => {
    const [xm, qz] = net.cities as [CityNode, CityNode];
    const prefix = net.iso.topicPrefix;
    const inbound = topics.inbound(prefix, "quanzhou");
    const existing = (await apis(xm).submit(sampleSubmission(xiamen, "quanzhou", 1))).caseId;
    const before = await queuedIn(qz, existing, "RECEIVED_BY_HOME");

    // Signed by Xiamen's node and keyed by their case: they fail on their bounds alone.
    const envelope = (caseId: string, type: string, caseSeq: number, payload: EventEnvelope["payload"]) =>
      signedEnvelope({
        eventId: newCaseId(),
        caseId,
        type,
        sourceNode: "xiamen",
        targetNode: "quanzhou",
        caseSeq,
        schemaVersion: 1,
        occurredAt: new Date(),
        payload,
      });
    /** A submission as the receiving node would send it, for a new case, with `over` applied. */
    const submission = (n: number, over: (s: CaseSubmitted) => void) => {
      const { identityVerified: _, ...req } = sampleSubmission(xiamen, "quanzhou", n);
      const s = CaseSubmitted.fromPartial({ ...req, receivingNode: "xiamen", receivedAt: new Date() });
      over(s);
      const caseId = newCaseId();
      // Sealed for the home as a window's node sends it: the bounds are checked on the opened block.
      return {
        caseId,
        envelope: envelope(caseId, "case.submitted", 1, { event: { $case: "submitted", value: sealedSubmission(s, caseId) } }),
      };
    };

    // Short, so that 50,000 of them still fit in one broker message.
    const materialName = "密甲";
    const longName = "慕容".repeat(MAX_NAME_LENGTH * 500);
    const hiddenName = "欧阳\u0000娜\u202E娜";
    const longReason = "撤回理由".repeat(MAX_REASON_LENGTH);
    const longItem = "补正内容丙".repeat(MAX_REASON_LENGTH);
    const records: OutOfBounds[] = [
      {
        kind: "too-many-materials",
        ...submission(2, (s) => {
          s.materials = Array.from({ length: 50_000 }, () => ({ name: materialName, copies: 1 }));
        }),
        field: "materials",
        secrets: [materialName],
      },
      {
        kind: "long-name",
        ...submission(3, (s) => {
          s.applicant!.name = longName;
        }),
        field: "applicant.name",
        secrets: ["慕容"],
      },
      {
        kind: "nul-rlo-name",
        ...submission(4, (s) => {
          s.applicant!.name = hiddenName;
        }),
        field: "applicant.name",
        secrets: ["欧阳", "娜", "\u0000", "\u202E"],
      },
      {
        kind: "long-withdraw-reason",
        caseId: existing,
        envelope: envelope(existing, "command.requested", 0, {
          event: {
            $case: "commandRequested",
            value: { requestId: newCaseId(), requestedBy: "w1", command: { $case: "withdraw", value: { reason: longReason } } },
          },
        }),
        field: "withdraw.reason",
        secrets: ["撤回理由"],
      },
      {
        kind: "too-many-correction-items",
        caseId: existing,
        envelope: envelope(existing, "command.requested", 0, {
          event: {
            $case: "commandRequested",
            value: {
              requestId: newCaseId(),
              requestedBy: "w1",
              command: {
                $case: "submitCorrection",
                value: { items: Array.from({ length: MAX_LIST_ENTRIES + 1 }, (_, i) => `材料清单${i}`) },
              },
            },
          },
        }),
        field: "submit_correction.items",
        secrets: ["材料清单"],
      },
      {
        kind: "too-many-joint-legs",
        ...submission(7, (s) => {
          const leg = { role: "外地环节", caseId: newCaseId(), homeNode: "quanzhou", homeDepartment: "rsj", waitsFor: [] };
          s.joint = { jointId: newCaseId(), legRole: "out", legs: Array.from({ length: MAX_LEGS + 1 }, () => leg), prerequisites: [] };
        }),
        field: "joint.legs",
        secrets: ["外地环节"],
      },
      {
        kind: "long-joint-report-reason",
        caseId: existing,
        envelope: envelope(existing, "case.joint_status_reported", 0, {
          event: {
            $case: "jointStatusReported",
            value: {
              version: 1,
              joint: {
                jointId: newCaseId(),
                receiptNo: "R-1",
                itemCode: "TB-2021-051",
                receivingNode: "xiamen",
                state: "REFUSED",
                stateZh: "",
                stateEn: "",
                reasons: [longReason],
                endedByLeg: "out",
                legs: [],
                createdAt: undefined,
                updatedAt: undefined,
              },
            },
          },
        }),
        field: "joint.reasons[0]",
        secrets: ["撤回理由"],
      },
      {
        kind: "long-correction-item",
        caseId: existing,
        envelope: envelope(existing, "case.correction_requested", before.case!.seq + 1, {
          event: { $case: "correctionRequested", value: { round: 1, items: [longItem], requestedAt: new Date() } },
        }),
        field: "items[0]",
        secrets: ["补正内容丙"],
      },
    ];
    // The same submission within bounds is applied: the records above fail on their bounds alone.
    const control = submission(5, () => undefined);

    // One at a time: together they would exceed the broker's message size.
    for (const r of records)
      await net.bus.publish([{ topic: inbound, key: r.caseId, value: r.envelope, headers: { "test-kind": r.kind } }]);
    await net.bus.publish([{ topic: inbound, key: control.caseId, value: control.envelope }]);

    // A valid case submitted afterwards is delivered.
    const after = await apis(xm).submit(sampleSubmission(xiamen, "quanzhou", 6));
    await queuedIn(qz, after.caseId, "RECEIVED_BY_HOME");
    await eventually("control submission applied", async () => (await apis(qz).queued(control.caseId)) ?? undefined);

    const dead = await readTopic(net.bus, topics.deadLetter(prefix, "quanzhou"), (rs) =>
      records.every((r) => rs.some((d) => d.headers["test-kind"] === r.kind)),
    );
    for (const r of records) {
      const d = dead.filter((x) => x.headers["test-kind"] === r.kind);
      expect(d, r.kind).toHaveLength(1);
      expect(d[0]!.headers["x-dlq-code"], r.kind).toBe(OUT_OF_BOUNDS_CODE);
      const reason = d[0]!.headers["x-dlq-reason"]!;
      expect(reason, r.kind).toContain(`${r.field}: `);
      for (const secret of r.secrets) expect(reason.includes(secret), `${r.kind} reason holds a submitted value`).toBe(false);
    }
    expect(dead.find((x) => x.headers["test-kind"] === "too-many-materials")!.headers["x-dlq-reason"]).toContain(
      `at most ${MAX_MATERIALS} materials`,
    );
    expect(dead.find((x) => x.headers["test-kind"] === "long-name")!.headers["x-dlq-reason"]).toContain(
      `max ${MAX_NAME_LENGTH} characters`,
    );
    expect(dead.find((x) => x.headers["test-kind"] === "nul-rlo-name")!.headers["x-dlq-reason"]).toContain("U+0000");
    expect(dead.some((x) => x.key === control.caseId)).toBe(false);

    // Nothing was written: no home case for the bad submissions, and the existing case did not move.
    for (const r of records.filter((x) => x.caseId !== existing)) expect(await apis(qz).queued(r.caseId), r.kind).toBeUndefined();
    const now = (await apis(qz).queued(existing))!.case!;
    expect(now.seq).toBe(before.case!.seq);
    expect(now.state).toBe("RECEIVED_BY_HOME");
    await eventually("inbound consumer caught up", async () =>
      (await net.bus.lag(`${prefix}.quanzhou.node`, inbound)) === 0 ? true : undefined,
    );
  });
});
