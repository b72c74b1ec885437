import { describe, expect, it } from "vitest";
import { MAX_CERTIFICATES, MAX_LIST_ENTRIES, MAX_MATERIALS, MAX_NAME_LENGTH, MAX_REASON_LENGTH } from "@tongban/bounds";
import { PoisonMessage } from "@tongban/bus";
import { CaseSubmitted, EventEnvelope } from "@tongban/contracts";
import { OUT_OF_BOUNDS_CODE, checkInboundBounds, inboundViolations } from "./inboundBounds";

const envelope = (payload: EventEnvelope["payload"]) =>
  EventEnvelope.fromPartial({
    eventId: "01JEVENT000000000000000001",
    caseId: "01JCASE0000000000000000001",
    type: "case.submitted",
    sourceNode: "xiamen",
    targetNode: "quanzhou",
    caseSeq: 1,
    payload,
  });

/** A submission with every list and the applicant's name at their limits. */
const atLimits = () =>
  CaseSubmitted.fromPartial({
    receiptNo: "WIN-XM-00000001",
    itemCode: "350200-001",
    receivingNode: "xiamen",
    receivingDivision: "350203",
    homeNode: "quanzhou",
    homeDepartment: "QZ-MZJ",
    applicant: { name: "慕".repeat(MAX_NAME_LENGTH), idNumber: "350203199001011234", phone: "13950000001", address: "厦门市思明区" },
    materials: Array.from({ length: MAX_MATERIALS }, () => ({ name: "申请表", copies: 1 })),
    certificates: Array.from({ length: MAX_CERTIFICATES }, (_, i) => ({ certificateId: `1.2.156.3005.2.${i}`, number: `N${i}` })),
    mailTrackingNo: "1100123456789",
    windowClerk: "w1",
  });
const submitted = (s: CaseSubmitted) => envelope({ event: { $case: "submitted", value: s } });

describe("input bounds of inbound events", () => {
  it("when a submission and free text are at their limits, then nothing is reported", () => {
    expect(inboundViolations(submitted(atLimits()))).toEqual([]);
    const reasons = Array.from({ length: MAX_LIST_ENTRIES }, (_, i) => `第${i}条\n${"理".repeat(MAX_REASON_LENGTH - 10)}`);
    expect(inboundViolations(envelope({ event: { $case: "refused", value: { reasons, refusedAt: new Date() } } }))).toEqual([]);
  });

  it("when a list is over its count, then it is reported once and its entries are not walked", () => {
    const s = atLimits();
    s.materials = Array.from({ length: 50_000 }, () => ({ name: "\u0000", copies: 1000 }));
    expect(inboundViolations(submitted(s))).toEqual([{ field: "materials", description: expect.stringContaining("got 50000") }]);
  });

  it("when the applicant's name is too long or holds NUL and U+202E, then the poison names the field and limit, not the value", () => {
    const s = atLimits();
    s.applicant!.name = "慕".repeat(MAX_NAME_LENGTH + 1);
    s.materials[3]!.name = "欧阳\u0000娜\u202E";
    const thrown = (() => {
      try {
        checkInboundBounds(submitted(s));
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(thrown).toBeInstanceOf(PoisonMessage);
    const p = thrown as PoisonMessage;
    expect(p.code).toBe(OUT_OF_BOUNDS_CODE);
    expect(p.reason).toContain(`applicant.name: 字段过长（最多${MAX_NAME_LENGTH}字）`);
    expect(p.reason).toContain("materials[3].name: 含有控制字符 U+0000");
    expect(p.reason).not.toMatch(/慕|欧阳|娜|\u0000|\u202E/);
  });

  it("when a command request carries an over-long withdrawal reason, then it is reported by its field", () => {
    const env = envelope({
      event: {
        $case: "commandRequested",
        value: { requestId: "r1", requestedBy: "w1", command: { $case: "withdraw", value: { reason: "x".repeat(MAX_REASON_LENGTH + 1) } } },
      },
    });
    expect(inboundViolations(env).map((v) => v.field)).toEqual(["withdraw.reason"]);
  });
});
