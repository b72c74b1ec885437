import { describe, expect, it } from "vitest";
import type { CaseSummary } from "./caseSummary";
import { feedbackReport } from "./feedbackReport";

const summary = (caseId: string, over: Partial<CaseSummary>): CaseSummary => ({
  caseId,
  itemCode: "TB-2020-001",
  receivingNode: "xiamen",
  homeNode: "quanzhou",
  homeDepartment: "gaj",
  state: "RATED",
  seq: 12,
  lastStep: "case.rated",
  dueStage: "",
  finished: true,
  problems: [],
  ...over,
});

describe("feedbackReport", () => {
  it("when cases are rated and problems opened, then ratings are counted by level per item, department and pair, and problems list open overdue ones first", () => {
    const now = new Date("2026-03-20T02:00:00Z");
    const report = feedbackReport(
      [
        summary("A", { ratingLevel: "VERY_SATISFIED" }),
        summary("B", {
          ratingLevel: "DISSATISFIED",
          problems: [{ problemId: 1, source: "rating", answerDueAt: new Date("2026-03-10T00:00:00Z") }],
        }),
        summary("C", {
          ratingLevel: "VERY_SATISFIED",
          receivingNode: "zhangzhou",
          itemCode: "TB-2021-003",
          state: "NOT_ACCEPTED",
          problems: [
            { problemId: 1, source: "complaint_12345", answerDueAt: new Date("2026-03-25T00:00:00Z") },
            {
              problemId: 2,
              source: "complaint_12345",
              answerDueAt: new Date("2026-03-05T00:00:00Z"),
              answeredAt: new Date("2026-03-04T00:00:00Z"),
            },
          ],
        }),
        summary("D", { state: "UNDER_REVIEW", finished: false }),
      ],
      now,
    );
    expect(report.ratings.byPair).toEqual([
      { key: "xiamen → quanzhou", counts: { VERY_SATISFIED: 1, DISSATISFIED: 1 }, total: 2 },
      { key: "zhangzhou → quanzhou", counts: { VERY_SATISFIED: 1 }, total: 1 },
    ]);
    expect(report.ratings.byDepartment).toEqual([{ key: "quanzhou/gaj", counts: { VERY_SATISFIED: 2, DISSATISFIED: 1 }, total: 3 }]);
    expect(report.ratings.byItem.map((r) => [r.key, r.total])).toEqual([
      ["TB-2020-001", 2],
      ["TB-2021-003", 1],
    ]);
    expect(report.problems.map((p) => [p.caseId, p.problemId, p.overdue, Boolean(p.answeredAt)])).toEqual([
      ["B", 1, true, false],
      ["C", 1, false, false],
      ["C", 2, false, true],
    ]);
    expect(report).toMatchObject({ openProblems: 2, overdueProblems: 1 });
  });
});
