import { describe, expect, it } from "vitest";
import type { CaseCommand } from "./caseCommand";
import { PROBLEM_ANSWER_DAYS } from "./decide";
import { isTerminal } from "./isTerminal";
import { apply, at, stateIn, thrownBy } from "./testing/caseFixtures";

const rate = (level: string, comment?: string): CaseCommand =>
  ({ type: "RecordRating", actor: "receiving", data: { level, ...(comment ? { comment } : {}) } }) as CaseCommand;
const complain = (ticketNo: string, description: string): CaseCommand => ({
  type: "RecordComplaint",
  actor: "receiving",
  data: { ticketNo, description },
});
const answer = (problemId: number, text: string): CaseCommand => ({
  type: "AnswerProblem",
  actor: "home",
  data: { problemId, answer: text },
});

// Monday 3 March 2025, 10:00 Shanghai: five working days later is Monday 10 March.
const monday = at("2025-03-03T02:00:00Z");

describe("好差评 and 12345: ratings, complaints and the problems they open", () => {
  it.each(["NOT_ACCEPTED", "WITHDRAWN"] as const)(
    "when a %s case is rated, then the rating is kept, the status and its end stay, and a second rating is refused",
    (status) => {
      const { state } = stateIn(status);
      const rated = apply(state, rate("SATISFIED"), monday).state;
      expect(rated).toMatchObject({ status, rating: { level: "SATISFIED" }, timeline: { ratedAt: monday } });
      expect(isTerminal(rated)).toBe(true);
      expect(thrownBy(() => apply(rated, rate("VERY_SATISFIED"), monday))).toMatchObject({
        code: "ILLEGAL_TRANSITION",
        message: expect.stringContaining("已评价"),
      });
    },
  );

  it("when a closed case is rated DISSATISFIED (差评), then it is RATED and a problem is opened for the home authority, due in five working days", () => {
    const { state } = stateIn("CLOSED");
    const { state: rated, events } = apply(state, rate("DISSATISFIED", "窗口态度差"), monday);
    expect(events.map((e) => e.type)).toEqual(["case.rated", "case.problem_opened"]);
    expect(rated.status).toBe("RATED");
    expect(rated.status !== "INITIAL" && rated.problems).toEqual([
      {
        problemId: 1,
        source: "rating",
        reference: "DISSATISFIED",
        description: "窗口态度差",
        openedAt: monday,
        // The fixture calendar counts weekdays from the same instant.
        answerDueAt: at("2025-03-10T02:00:00Z"),
      },
    ]);
    expect(PROBLEM_ANSWER_DAYS).toBe(5);
  });

  it("when a good rating is given, then no problem is opened", () => {
    const { events } = apply(stateIn("CLOSED").state, rate("BASICALLY_SATISFIED"), monday);
    expect(events.map((e) => e.type)).toEqual(["case.rated"]);
  });

  it("when a 12345 complaint comes for a case under review, then a problem opens without moving the case; the home answers it once", () => {
    const { state } = stateIn("UNDER_REVIEW");
    const opened = apply(state, complain("12345-0301-0042", "迟迟未受理"), monday).state;
    expect(opened.status).toBe("UNDER_REVIEW");
    const answered = apply(opened, answer(1, "已核实并加快办理"), at("2025-03-05T02:00:00Z")).state;
    expect(answered.status !== "INITIAL" && answered.problems).toEqual([
      expect.objectContaining({
        problemId: 1,
        source: "complaint_12345",
        reference: "12345-0301-0042",
        answer: "已核实并加快办理",
        answeredAt: at("2025-03-05T02:00:00Z"),
      }),
    ]);
    expect(thrownBy(() => apply(answered, answer(1, "再次答复"), monday))).toMatchObject({ code: "ILLEGAL_TRANSITION" });
    expect(thrownBy(() => apply(answered, answer(2, "没有这个"), monday))).toMatchObject({
      code: "INVALID_COMMAND",
      violations: [{ field: "problemId" }],
    });
  });

  it("when complaints come for a rated or withdrawn case, then each opens its own numbered problem and the case stays where it ended", () => {
    for (const status of ["RATED", "WITHDRAWN"] as const) {
      const { state } = stateIn(status);
      const one = apply(state, complain("T-1", "一"), monday).state;
      const two = apply(one, complain("T-2", "二"), monday).state;
      expect(two.status).toBe(status);
      expect(two.status !== "INITIAL" && two.problems?.map((p) => [p.problemId, p.reference])).toEqual([
        [1, "T-1"],
        [2, "T-2"],
      ]);
      expect(isTerminal(two)).toBe(true);
    }
  });

  it("when a complaint or answer is blank, then InvalidCommand names the field", () => {
    const { state } = stateIn("ACCEPTED");
    expect(thrownBy(() => apply(state, complain("", "x"), monday))).toMatchObject({ violations: [{ field: "ticketNo" }] });
    expect(thrownBy(() => apply(state, complain("T", " "), monday))).toMatchObject({ violations: [{ field: "description" }] });
    expect(thrownBy(() => apply(state, answer(0, "x"), monday))).toMatchObject({ violations: [{ field: "problemId" }] });
  });
});
