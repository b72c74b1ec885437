import { describe, expect, it } from "vitest";
import { CaseBook } from "./caseBook";
import type { TrackingRecord } from "./trackingRecord";

const t0 = new Date("2026-03-02T02:00:00Z");
const day = (d: number) => new Date(t0.getTime() + d * 24 * 3600 * 1000);
let n = 0;
const rec = (caseId: string, state: string, seq: number, at: Date, extra: Partial<TrackingRecord> = {}): TrackingRecord => ({
  _id: `t${n++}`,
  caseId,
  itemCode: "TB-2021-051",
  receivingNode: "zhangzhou",
  homeNode: "xiamen",
  homeDepartment: "gaj",
  step: "case.closed",
  state,
  seq,
  occurredAt: at,
  reportedBy: "xiamen",
  recordedAt: at,
  dueStage: "",
  submittedAt: t0,
  ...extra,
});

describe("the case book's retention", () => {
  it("when cases are finished or open, old or recent, then only finished cases whose last step is before the cut-off expire, and removing one forgets it and its joint application entry", () => {
    const book = new CaseBook();
    book.add(rec("OLD-CLOSED", "CLOSED", 9, day(1), { jointId: "J1", legRole: "out" }));
    book.add(rec("OLD-REFUSED", "NOT_ACCEPTED", 4, day(2)));
    book.add(rec("OLD-OPEN", "UNDER_REVIEW", 6, day(1)));
    book.add(rec("NEW-CLOSED", "CLOSED", 9, day(300)));
    expect(book.expired(day(100)).sort()).toEqual(["OLD-CLOSED", "OLD-REFUSED"]);

    book.remove("OLD-CLOSED");
    expect(book.summary("OLD-CLOSED")).toBeUndefined();
    expect(book.recordsOf("OLD-CLOSED")).toEqual([]);
    expect(book.legsOf("J1")).toEqual([]);
    expect(book.size).toBe(3);
  });
});
