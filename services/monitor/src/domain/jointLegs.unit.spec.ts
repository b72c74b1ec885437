import { describe, expect, it } from "vitest";
import { WorkingDayCalendar } from "@tongban/calendar";
import type { TrackingEvent } from "@tongban/contracts";
import { CaseBook } from "./caseBook";
import { summariseCase } from "./caseSummary";
import { deadlineReport } from "./deadlineReport";
import { type PlannedLeg, jointLegs } from "./jointLegs";
import { type TrackingRecord, toTrackingRecord } from "./trackingRecord";

const t0 = new Date("2026-03-02T02:00:00Z");
const at = (s: number) => new Date(t0.getTime() + s * 1000);
let n = 0;
const rec = (caseId: string, step: string, state: string, seq: number, extra: Partial<TrackingRecord> = {}): TrackingRecord => ({
  _id: `t${n++}`,
  caseId,
  itemCode: "TB-2020-012",
  receivingNode: "zhangzhou",
  homeNode: "xiamen",
  homeDepartment: "gaj",
  step,
  state,
  seq,
  occurredAt: at(seq * 10),
  reportedBy: "xiamen",
  recordedAt: at(seq * 10 + 1),
  dueStage: "",
  submittedAt: t0,
  ...extra,
});
const outLeg = (state = "DECIDED", extra: Partial<TrackingRecord> = {}) => [
  rec("OUT1", "case.submitted", "SUBMITTED", 1, { jointId: "J1", legRole: "out", ...extra }),
  rec("OUT1", "case.decided", state, 6, { jointId: "J1", legRole: "out", dueAt: at(99_999), dueStage: "delivery", ...extra }),
];
const inLeg = () => [
  rec("IN1", "case.received", "RECEIVED_BY_HOME", 3, {
    jointId: "J1",
    legRole: "in",
    homeNode: "quanzhou",
    dueAt: at(50_000),
    dueStage: "correction",
  }),
];
const planned: PlannedLeg[] = [
  { role: "out", waitsFor: [], name: { zh: "迁出地办理", en: "transfer-out authority" } },
  { role: "in", waitsFor: ["out"], name: { zh: "迁入地办理", en: "transfer-in authority" } },
];

describe("joint applications (多地联办) in the monitor", () => {
  it("when a tracking event carries a joint id and leg role, then the stored record and the case's summary keep them; an ordinary case has neither", () => {
    const event = {
      trackingId: "T1",
      caseId: "OUT1",
      reportedBy: "xiamen",
      problems: [],
      ratingLevel: "",
      jointId: "J1",
      legRole: "out",
    } as unknown as TrackingEvent;
    expect(toTrackingRecord(event)).toMatchObject({ jointId: "J1", legRole: "out" });
    const ordinary = toTrackingRecord({ ...event, jointId: "", legRole: "" })!;
    expect("jointId" in ordinary || "legRole" in ordinary).toBe(false);

    expect(summariseCase(outLeg())).toMatchObject({ caseId: "OUT1", jointId: "J1", legRole: "out", state: "DECIDED" });
    const plain = summariseCase([rec("C9", "case.submitted", "SUBMITTED", 1)])!;
    expect(plain.jointId).toBeUndefined();
    expect(plain.legRole).toBeUndefined();
  });

  it("when legs of two applications and an ordinary case are in the book, then each application lists its own legs and a legs-only search skips the ordinary case", () => {
    const book = new CaseBook();
    for (const r of [
      ...outLeg(),
      ...inLeg(),
      rec("OTHER", "case.submitted", "SUBMITTED", 1, { jointId: "J2", legRole: "out" }),
      rec("ORDINARY", "case.submitted", "SUBMITTED", 1),
    ])
      book.add(r);
    expect([...book.legsOf("J1")].sort()).toEqual(["IN1", "OUT1"]);
    expect(book.legsOf("J2")).toEqual(["OTHER"]);
    expect(book.legsOf("NONE")).toEqual([]);
    expect([...book.jointIds()].sort()).toEqual(["J1", "J2"]);
    expect(book.search("", 20, true).sort()).toEqual(["IN1", "OTHER", "OUT1"]);
    expect(book.search("ORD")).toEqual(["ORDINARY"]);
    expect(book.search("ORD", 20, true)).toEqual([]);
  });

  it("when both legs are tracked, then they follow the catalog's order, each with its own case", () => {
    const legs = jointLegs([summariseCase(inLeg())!, summariseCase(outLeg())!], planned);
    expect(legs).toEqual([
      { role: "out", name: planned[0]!.name, waitsFor: [], caseId: "OUT1" },
      { role: "in", name: planned[1]!.name, waitsFor: ["out"], caseId: "IN1" },
    ]);
  });

  it("when only the out leg is tracked, then the in leg waits; when the out leg was not accepted or withdrawn, then the in leg is cancelled", () => {
    expect(jointLegs([summariseCase(outLeg("UNDER_REVIEW"))!], planned)[1]).toEqual({
      role: "in",
      name: planned[1]!.name,
      waitsFor: ["out"],
      pending: "WAITING",
    });
    for (const ended of ["NOT_ACCEPTED", "WITHDRAWN"]) {
      expect(jointLegs([summariseCase(outLeg(ended))!], planned)[1]!.pending).toBe("CANCELLED");
    }
  });

  it("when the out leg was decided, then the in leg waits if it was approved and is cancelled if it was denied", () => {
    expect(jointLegs([summariseCase(outLeg("DECIDED", { decisionOutcome: "approved" }))!], planned)[1]!.pending).toBe("WAITING");
    expect(jointLegs([summariseCase(outLeg("DECIDED", { decisionOutcome: "denied" }))!], planned)[1]!.pending).toBe("CANCELLED");
  });

  it("when a tracked leg's role is not planned by the catalog, or a role is tracked twice, then the extra cases still show, after the planned legs", () => {
    const odd = summariseCase([rec("ODD", "case.submitted", "SUBMITTED", 1, { jointId: "J1", legRole: "via" })])!;
    const twice = summariseCase([rec("OUT2", "case.submitted", "SUBMITTED", 1, { jointId: "J1", legRole: "out" })])!;
    const legs = jointLegs([odd, twice, summariseCase(outLeg())!], planned);
    expect(legs.map((l) => [l.role, l.caseId ?? l.pending])).toEqual([
      ["out", "OUT1"],
      ["in", "WAITING"],
      ["out", "OUT2"],
      ["via", "ODD"],
    ]);
    expect(jointLegs([odd], [])).toEqual([{ role: "via", name: { zh: "via", en: "via" }, waitsFor: [], caseId: "ODD" }]);
  });

  it("when a leg is past its limit, then its deadline entry names its joint application and role", () => {
    const calendar = WorkingDayCalendar.default();
    const r = deadlineReport([summariseCase(inLeg())!], at(5_000_000), calendar, { dueSoonDays: 2, materialsDays: 3 });
    expect(r.overdue).toMatchObject([{ caseId: "IN1", stage: "correction", jointId: "J1", legRole: "in", homeNode: "quanzhou" }]);
  });
});
