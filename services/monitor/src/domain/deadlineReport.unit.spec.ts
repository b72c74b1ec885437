import { describe, expect, it } from "vitest";
import { WorkingDayCalendar } from "@tongban/calendar";
import type { CaseSummary } from "./caseSummary";
import { deadlineReport } from "./deadlineReport";

const calendar = WorkingDayCalendar.default();
const policy = { dueSoonDays: 2, materialsDays: 3 };
// Monday 2 March 2026, 10:00 Shanghai.
const received = new Date("2026-03-02T02:00:00Z");
const summary = (over: Partial<CaseSummary>): CaseSummary => ({
  caseId: "C1",
  itemCode: "TB-2020-001",
  receivingNode: "xiamen",
  homeNode: "quanzhou",
  homeDepartment: "gaj",
  state: "RECEIVED_BY_HOME",
  seq: 3,
  lastStep: "case.received",
  dueAt: calendar.addWorkingDays(received, 5),
  dueStage: "correction",
  receivedAtHome: received,
  finished: false,
  problems: [],
  ...over,
});

describe("deadlines on the working-day calendar", () => {
  it("when a case is inside its limit with more than two working days left, then it is in no list", () => {
    const r = deadlineReport([summary({})], new Date("2026-03-03T02:00:00Z"), calendar, policy);
    expect([r.overdue, r.dueSoon, r.materialsLate].map((l) => l.length)).toEqual([0, 0, 0]);
  });

  it("when two working days or fewer are left, then it is due soon with the days left", () => {
    // Thursday 5 March: the limit ends on Monday 9 March.
    const r = deadlineReport([summary({})], new Date("2026-03-05T02:00:00Z"), calendar, policy);
    expect(r.dueSoon).toMatchObject([{ caseId: "C1", stage: "correction", workingDays: 2 }]);
    expect(r.byDepartment).toEqual([{ homeNode: "quanzhou", homeDepartment: "gaj", overdue: 0, dueSoon: 1, materialsLate: 0 }]);
  });

  it("when the limit has passed, then it is overdue by working days, and unsigned materials are late", () => {
    const r = deadlineReport([summary({})], new Date("2026-03-12T02:00:00Z"), calendar, policy);
    expect(r.overdue).toMatchObject([{ caseId: "C1", stage: "correction", workingDays: 2, homeDepartment: "gaj" }]);
    expect(r.materialsLate).toMatchObject([{ caseId: "C1", stage: "materials" }]);
  });

  it("when materials were signed for or the case is finished, then nothing is late", () => {
    const now = new Date("2026-04-30T02:00:00Z");
    expect(deadlineReport([summary({ materialsSignedAt: received })], now, calendar, policy).materialsLate).toEqual([]);
    const done = deadlineReport([summary({ state: "WITHDRAWN", finished: true })], now, calendar, policy);
    expect([done.overdue, done.materialsLate].map((l) => l.length)).toEqual([0, 0]);
  });
});
