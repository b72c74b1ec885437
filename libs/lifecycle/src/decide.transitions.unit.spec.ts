import { describe, expect, it } from "vitest";
import { actors, type Actor } from "./actors";
import type { CaseCommandType } from "./caseCommand";
import { caseCommandTypes } from "./caseCommandTypes";
import { caseStatuses, type CaseStatus } from "./caseStatuses";
import { decide } from "./decide";
import { evolve } from "./evolve";
import { ForbiddenActor } from "./forbiddenActor";
import { IllegalTransition } from "./illegalTransition";
import { InvalidCommand } from "./invalidCommand";
import { ctxAt, sampleCommand, stateIn } from "./testing/caseFixtures";
import { type TransitionRule, transitions } from "./transitions";

/** Who may issue each command, written down independently of `transitions`. */
const issuer: Record<CaseCommandType, Actor | "either"> = {
  SubmitCase: "receiving",
  MarkForwarded: "receiving",
  ReceiveCase: "home",
  SignForMaterials: "home",
  RecordScansChecked: "home",
  Accept: "home",
  Refuse: "home",
  RequestCorrection: "home",
  SubmitCorrection: "receiving",
  StartReview: "home",
  Suspend: "home",
  Resume: "home",
  ExtendDeadline: "home",
  Decide: "home",
  SendResult: "home",
  RecordDelivery: "either",
  Close: "home",
  RecordRating: "receiving",
  Withdraw: "receiving",
  RecordComplaint: "receiving",
  AnswerProblem: "home",
};

const beforeDecision = {
  Withdraw: "WITHDRAWN",
  SignForMaterials: "same",
} as const;

/**
 * Expected status after each legal command, per status; "same" = status unchanged.
 * A command missing from a row must be rejected with IllegalTransition.
 */
const feedback = { RecordComplaint: "same" } as const;

const expected: Record<CaseStatus, Partial<Record<CaseCommandType, CaseStatus | "same">>> = {
  INITIAL: { SubmitCase: "SUBMITTED" },
  SUBMITTED: { MarkForwarded: "FORWARDED", Withdraw: "WITHDRAWN", ...feedback },
  // The fixture's path checks the scans right after receiving the case: once only, so later rows refuse it.
  FORWARDED: { ReceiveCase: "RECEIVED_BY_HOME", RecordScansChecked: "same", ...beforeDecision, ...feedback },
  RECEIVED_BY_HOME: {
    Accept: "ACCEPTED",
    Refuse: "NOT_ACCEPTED",
    RequestCorrection: "CORRECTION_REQUESTED",
    ...beforeDecision,
    ...feedback,
  },
  CORRECTION_REQUESTED: { SubmitCorrection: "RECEIVED_BY_HOME", Refuse: "NOT_ACCEPTED", ...beforeDecision, ...feedback },
  ACCEPTED: { StartReview: "UNDER_REVIEW", ExtendDeadline: "same", ...beforeDecision, ...feedback },
  NOT_ACCEPTED: { RecordRating: "same", ...feedback },
  UNDER_REVIEW: { Suspend: "SUSPENDED", Decide: "DECIDED", ExtendDeadline: "same", ...beforeDecision, ...feedback },
  SUSPENDED: { Resume: "UNDER_REVIEW", ...beforeDecision, ...feedback },
  DECIDED: { SendResult: "RESULT_SENT", SignForMaterials: "same", ...feedback },
  RESULT_SENT: { RecordDelivery: "DELIVERED", SignForMaterials: "same", ...feedback },
  DELIVERED: { Close: "CLOSED", SignForMaterials: "same", ...feedback },
  CLOSED: { RecordRating: "RATED", ...feedback },
  RATED: { ...feedback },
  WITHDRAWN: { RecordRating: "same", ...feedback },
};

/** Statuses from which RecordScansChecked is allowed (once; see acceptance.unit.spec.ts). */
const scansCheckable: readonly CaseStatus[] = [
  "FORWARDED",
  "RECEIVED_BY_HOME",
  "CORRECTION_REQUESTED",
  "ACCEPTED",
  "UNDER_REVIEW",
  "SUSPENDED",
  "DECIDED",
  "RESULT_SENT",
  "DELIVERED",
];

/** Statuses from which AnswerProblem is allowed (given an open problem; see the feedback tests). */
const answerable: readonly CaseStatus[] = caseStatuses.filter((s) => s !== "INITIAL");

/** The fixture's result is mailed, so only the receiving side records its delivery. */
function mayIssue(status: CaseStatus, type: CaseCommandType, actor: Actor): boolean {
  const side = issuer[type];
  if (side !== "either") return side === actor;
  return status === "RESULT_SENT" ? actor === "receiving" : true;
}

const cases = caseStatuses.flatMap((status) =>
  caseCommandTypes.flatMap((type) =>
    actors.map((actor) => {
      const next = expected[status][type];
      const outcome = !mayIssue(status, type, actor)
        ? "ForbiddenActor"
        : type === "AnswerProblem" && answerable.includes(status)
          ? "InvalidCommand" // no problem is open in the sample state
          : next === undefined
            ? "IllegalTransition"
            : next === "same"
              ? status
              : next;
      return { status, type, actor, outcome };
    }),
  ),
);

describe("decide over every (status, command, actor)", () => {
  it("when the table is generated, then it covers every status, command type and actor", () => {
    expect(cases).toHaveLength(caseStatuses.length * caseCommandTypes.length * actors.length);
  });

  it.each(cases)("when $status receives $type from $actor, then $outcome", ({ status, type, actor, outcome }) => {
    const { state, lastAt } = stateIn(status);
    expect(state.status).toBe(status);
    const command = sampleCommand(type, actor);
    const ctx = ctxAt(new Date(lastAt.getTime() + 60 * 60 * 1000));

    if (outcome === "ForbiddenActor") {
      expect(() => decide(command, state, ctx)).toThrow(ForbiddenActor);
      return;
    }
    if (outcome === "InvalidCommand") {
      expect(() => decide(command, state, ctx)).toThrow(InvalidCommand);
      return;
    }
    if (outcome === "IllegalTransition") {
      let thrown: unknown;
      try {
        decide(command, state, ctx);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(IllegalTransition);
      expect(thrown).toMatchObject({ state: status, command: type, grpcStatus: "FAILED_PRECONDITION" });
      return;
    }
    const events = decide(command, state, ctx);
    expect(events.map((e) => e.type)).toEqual([transitions[type].event]);
    expect(events.reduce(evolve, state).status).toBe(outcome);
  });
});

describe("the exported transition table", () => {
  it.each(caseCommandTypes)("when %s is looked up, then its actors, sources and target match the expectations", (type) => {
    const rule = transitions[type];
    const side = issuer[type];
    expect([...rule.actors].sort()).toEqual(side === "either" ? [...actors].sort() : [side]);
    const sources =
      type === "AnswerProblem"
        ? answerable
        : type === "RecordScansChecked"
          ? scansCheckable
          : caseStatuses.filter((s) => expected[s][type] !== undefined);
    expect([...rule.from].sort()).toEqual([...sources].sort());
    for (const source of sources) {
      const next = type === "AnswerProblem" || type === "RecordScansChecked" ? "same" : expected[source][type];
      const feedback: readonly string[] = (rule as TransitionRule).feedback ?? [];
      expect(next === "same" ? null : next).toBe(feedback.includes(source) ? null : rule.to);
    }
  });
});
