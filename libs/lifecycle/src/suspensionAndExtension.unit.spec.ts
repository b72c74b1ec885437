import { describe, expect, it } from "vitest";
import type { CaseCommand } from "./caseCommand";
import type { CaseState } from "./caseState";
import { IllegalTransition } from "./illegalTransition";
import { isOverdue } from "./isOverdue";
import { computeDecisionDueAt } from "./computeDecisionDueAt";
import { apply, at, ctxAt, homeCommand, receivingCommand, run, thrownBy } from "./testing/caseFixtures";

/** Accepted on Mon 3 March 2025: decision due 20 working days later, Mon 31 March. */
function underReview(): CaseState {
  return run(
    [
      receivingCommand("SubmitCase"),
      receivingCommand("MarkForwarded"),
      homeCommand("ReceiveCase"),
      homeCommand("SignForMaterials"),
      homeCommand("Accept"),
      homeCommand("StartReview"),
    ],
    at("2025-03-03T00:00:00Z"),
  ).state;
}
const acceptedAt = at("2025-03-03T04:00:00Z");

function steps(state: CaseState, list: readonly (readonly [string, CaseCommand])[]): CaseState {
  return list.reduce((s, [iso, command]) => apply(s, command, at(iso)).state, state);
}

function decisionDueAt(state: CaseState): Date | undefined {
  return state.status === "INITIAL" ? undefined : state.due.decisionDueAt;
}

const extend: CaseCommand = { type: "ExtendDeadline", actor: "home", data: { reason: "案情复杂，经负责人批准延长" } };

describe("suspension (中止审查)", () => {
  it("when a case is accepted, then the decision is due 20 working days later", () => {
    const state = underReview();
    expect(state.status === "UNDER_REVIEW" && state.timeline.acceptedAt).toEqual(acceptedAt);
    expect(decisionDueAt(state)).toEqual(at("2025-03-31T04:00:00Z"));
  });

  it("when the review is suspended Tuesday to Friday, then the three paused working days push the due date to Thursday 3 April", () => {
    const resumed = steps(underReview(), [
      ["2025-03-11T02:00:00Z", homeCommand("Suspend")],
      ["2025-03-14T02:00:00Z", homeCommand("Resume")],
    ]);
    expect(resumed.status).toBe("UNDER_REVIEW");
    expect(decisionDueAt(resumed)).toEqual(at("2025-04-03T04:00:00Z"));
    expect(resumed.status === "UNDER_REVIEW" && resumed.suspensions).toEqual([
      { kind: "hearing", reason: "依申请组织听证", from: at("2025-03-11T02:00:00Z"), to: at("2025-03-14T02:00:00Z") },
    ]);
  });

  it("when the review is suspended twice, then both pauses count against the due date", () => {
    const resumed = steps(underReview(), [
      ["2025-03-11T02:00:00Z", homeCommand("Suspend")],
      ["2025-03-14T02:00:00Z", homeCommand("Resume")], // Wed–Fri paused: 3 days
      ["2025-03-17T02:00:00Z", { type: "Suspend", actor: "home", data: { kind: "testing", reason: "样品送检" } }],
      ["2025-03-19T02:00:00Z", homeCommand("Resume")], // Tue–Wed paused: 2 days
    ]);
    // 31 March + 5 working days = Mon 7 April.
    expect(decisionDueAt(resumed)).toEqual(at("2025-04-07T04:00:00Z"));
  });

  it("when a suspension spans a weekend, then only its working days push the due date", () => {
    const resumed = steps(underReview(), [
      ["2025-03-06T02:00:00Z", homeCommand("Suspend")], // Thu
      ["2025-03-11T02:00:00Z", homeCommand("Resume")], // Tue: Fri, Mon, Tue paused
    ]);
    expect(decisionDueAt(resumed)).toEqual(at("2025-04-03T04:00:00Z"));
  });

  it("when a suspended case is past its original due date, then it is not overdue because the clock stops", () => {
    const suspended = steps(underReview(), [["2025-03-11T02:00:00Z", homeCommand("Suspend")]]);
    expect(suspended.status).toBe("SUSPENDED");
    expect(isOverdue(suspended, at("2025-05-01T00:00:00Z"))).toBeNull();
  });

  it("when a suspension gives no reason or an unknown kind, then InvalidCommand lists both fields", () => {
    const bad = { type: "Suspend", actor: "home", data: { kind: "lunch", reason: "" } } as unknown as CaseCommand;
    expect(thrownBy(() => apply(underReview(), bad, at("2025-03-11T02:00:00Z")))).toMatchObject({
      code: "INVALID_COMMAND",
      violations: [{ field: "kind" }, { field: "reason" }],
    });
  });
});

describe("extension (延长审批期限)", () => {
  it("when the deadline is extended, then 10 working days are added", () => {
    const extended = steps(underReview(), [["2025-03-20T02:00:00Z", extend]]);
    expect(extended.status).toBe("UNDER_REVIEW");
    // Mon 31 March + 10 working days = Mon 14 April.
    expect(decisionDueAt(extended)).toEqual(at("2025-04-14T04:00:00Z"));
    expect(extended.status === "UNDER_REVIEW" && extended.extension).toEqual({
      reason: "案情复杂，经负责人批准延长",
      grantedAt: at("2025-03-20T02:00:00Z"),
    });
  });

  it("when the deadline was already extended, then a second extension is refused with the reason", () => {
    const extended = steps(underReview(), [["2025-03-20T02:00:00Z", extend]]);
    const error = thrownBy(() => apply(extended, extend, at("2025-03-21T02:00:00Z")));
    expect(error).toBeInstanceOf(IllegalTransition);
    expect((error as IllegalTransition).message).toBe(
      "当前状态为「审查中」，不能执行「延长审批期限」：审批期限只能延长一次 / " +
        "Cannot extend the deadline: case is in state UNDER_REVIEW (the deadline may be extended only once)",
    );
  });

  it("when the decision time limit has already run out, then the extension is refused", () => {
    const error = thrownBy(() => apply(underReview(), extend, at("2025-04-01T02:00:00Z")));
    expect(error).toMatchObject({ code: "ILLEGAL_TRANSITION", reason: { zh: "审批期限已届满，不能再延长" } });
  });

  it("when an extended case is later suspended and resumed, then the due date keeps the extension and adds the pause", () => {
    const resumed = steps(underReview(), [
      ["2025-03-10T02:00:00Z", extend],
      ["2025-03-11T02:00:00Z", homeCommand("Suspend")],
      ["2025-03-14T02:00:00Z", homeCommand("Resume")],
    ]);
    // Mon 14 April + 3 paused working days = Thu 17 April.
    expect(decisionDueAt(resumed)).toEqual(at("2025-04-17T04:00:00Z"));
  });

  it("when the case was suspended and is then extended, then the extension counts from the pushed due date", () => {
    const extended = steps(underReview(), [
      ["2025-03-11T02:00:00Z", homeCommand("Suspend")],
      ["2025-03-14T02:00:00Z", homeCommand("Resume")],
      ["2025-03-20T02:00:00Z", extend],
    ]);
    expect(decisionDueAt(extended)).toEqual(at("2025-04-17T04:00:00Z"));
  });

  it("when the review is suspended, then the deadline cannot be extended until it resumes", () => {
    const suspended = steps(underReview(), [["2025-03-11T02:00:00Z", homeCommand("Suspend")]]);
    expect(thrownBy(() => apply(suspended, extend, at("2025-03-12T02:00:00Z")))).toMatchObject({
      code: "ILLEGAL_TRANSITION",
      state: "SUSPENDED",
    });
  });
});

describe("computeDecisionDueAt", () => {
  it("when a suspension is still open, then the due date cannot be computed and an error is thrown", () => {
    const open = [{ kind: "hearing", reason: "听证", from: at("2025-03-11T02:00:00Z") }] as const;
    expect(() => computeDecisionDueAt(acceptedAt, open, false, ctxAt(acceptedAt))).toThrow(/中止期间尚未结束/);
  });
});
