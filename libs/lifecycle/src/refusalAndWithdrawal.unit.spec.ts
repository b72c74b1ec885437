import { describe, expect, it } from "vitest";
import { caseCommandTypes } from "./caseCommandTypes";
import { IllegalTransition } from "./illegalTransition";
import { isTerminal } from "./isTerminal";
import { apply, at, receivingCommand, sampleCommand, stateIn, thrownBy } from "./testing/caseFixtures";
import { transitions } from "./transitions";

const later = at("2025-03-04T02:00:00Z");

describe("refusal (不予受理)", () => {
  it("when the home authority refuses a received case, then it is NOT_ACCEPTED with the reasons and refusal time", () => {
    const { state } = stateIn("RECEIVED_BY_HOME");
    const refused = apply(
      state,
      { type: "Refuse", actor: "home", data: { reasons: ["不属于本机关职权范围", "申请人不具备申请资格"] } },
      later,
    ).state;
    expect(refused).toMatchObject({
      status: "NOT_ACCEPTED",
      refusal: { reasons: ["不属于本机关职权范围", "申请人不具备申请资格"] },
      timeline: { refusedAt: later },
    });
    expect(isTerminal(refused)).toBe(true);
  });

  it("when a refusal gives no reason, then InvalidCommand names the reasons field", () => {
    const { state } = stateIn("RECEIVED_BY_HOME");
    const error = thrownBy(() => apply(state, { type: "Refuse", actor: "home", data: { reasons: [] } }, later));
    expect(error).toMatchObject({ code: "INVALID_COMMAND", violations: [{ field: "reasons" }] });
  });

  it.each(caseCommandTypes.filter((t) => !["RecordRating", "RecordComplaint", "AnswerProblem"].includes(t)))(
    "when a refused case receives %s, then it is rejected",
    (type) => {
      const { state } = stateIn("NOT_ACCEPTED");
      const actor = transitions[type].actors[0];
      expect(() => apply(state, sampleCommand(type, actor), later)).toThrow(IllegalTransition);
    },
  );
});

describe("withdrawal (撤回)", () => {
  it.each(transitions.Withdraw.from)(
    "when the applicant withdraws in %s, then the case is WITHDRAWN and remembers where it was",
    (status) => {
      const { state, lastAt } = stateIn(status);
      const withdrawnAt = new Date(lastAt.getTime() + 60_000);
      const withdrawn = apply(state, receivingCommand("Withdraw"), withdrawnAt).state;
      expect(withdrawn).toMatchObject({
        status: "WITHDRAWN",
        withdrawal: { reason: "申请人主动撤回", fromStatus: status },
        timeline: { withdrawnAt },
      });
      expect(isTerminal(withdrawn)).toBe(true);
    },
  );

  it("when the applicant withdraws under review, then the timeline up to the review is kept", () => {
    const { state } = stateIn("UNDER_REVIEW");
    const withdrawn = apply(state, { type: "Withdraw", actor: "receiving", data: {} }, later).state;
    expect(withdrawn.status === "WITHDRAWN" && withdrawn.timeline.reviewStartedAt).toBeInstanceOf(Date);
    expect(withdrawn.status === "WITHDRAWN" && withdrawn.withdrawal).toEqual({ fromStatus: "UNDER_REVIEW" });
  });

  it("when the applicant tries to withdraw after the decision, then IllegalTransition says so in Chinese and English", () => {
    const { state } = stateIn("DECIDED");
    const error = thrownBy(() => apply(state, receivingCommand("Withdraw"), later));
    expect(error).toBeInstanceOf(IllegalTransition);
    expect((error as IllegalTransition).message).toBe("当前状态为「已决定」，不能执行「撤回」 / Cannot withdraw: case is in state DECIDED");
  });

  it.each(["DECIDED", "RESULT_SENT", "DELIVERED", "CLOSED", "RATED", "NOT_ACCEPTED", "WITHDRAWN"] as const)(
    "when the applicant tries to withdraw in %s, then it is refused",
    (status) => {
      const { state } = stateIn(status);
      expect(thrownBy(() => apply(state, receivingCommand("Withdraw"), later))).toMatchObject({
        code: "ILLEGAL_TRANSITION",
        state: status,
        command: "Withdraw",
      });
    },
  );
});
