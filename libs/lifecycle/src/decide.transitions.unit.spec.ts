import { describe, expect, it } from "vitest";
import { actors, type Actor } from "./actors";
import type { CaseCommandType } from "./caseCommand";
import { caseCommandTypes } from "./caseCommandTypes";
import { caseStatuses, type CaseStatus } from "./caseStatuses";
import { decide } from "./decide";
import { evolve } from "./evolve";
import { ForbiddenActor } from "./forbiddenActor";
import { IllegalTransition } from "./illegalTransition";
import { ctxAt, sampleCommand, stateIn } from "./testing/caseFixtures";
import { transitions } from "./transitions";

/** Who may issue each command, written down independently of `transitions`. */
const issuer: Record<CaseCommandType, Actor | "either"> = {
  SubmitCase: "receiving",
  MarkForwarded: "receiving",
  ReceiveCase: "home",
  SignForMaterials: "home",
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
};

const beforeDecision = {
  Withdraw: "WITHDRAWN",
  SignForMaterials: "same",
} as const;

/**
 * Expected status after each legal command, per status; "same" = status unchanged.
 * A command missing from a row must be rejected with IllegalTransition.
 */
const expected: Record<CaseStatus, Partial<Record<CaseCommandType, CaseStatus | "same">>> = {
  INITIAL: { SubmitCase: "SUBMITTED" },
  SUBMITTED: { MarkForwarded: "FORWARDED", Withdraw: "WITHDRAWN" },
  FORWARDED: { ReceiveCase: "RECEIVED_BY_HOME", ...beforeDecision },
  RECEIVED_BY_HOME: {
    Accept: "ACCEPTED",
    Refuse: "NOT_ACCEPTED",
    RequestCorrection: "CORRECTION_REQUESTED",
    ...beforeDecision,
  },
  CORRECTION_REQUESTED: { SubmitCorrection: "RECEIVED_BY_HOME", Refuse: "NOT_ACCEPTED", ...beforeDecision },
  ACCEPTED: { StartReview: "UNDER_REVIEW", ExtendDeadline: "same", ...beforeDecision },
  NOT_ACCEPTED: {},
  UNDER_REVIEW: { Suspend: "SUSPENDED", Decide: "DECIDED", ExtendDeadline: "same", ...beforeDecision },
  SUSPENDED: { Resume: "UNDER_REVIEW", ...beforeDecision },
  DECIDED: { SendResult: "RESULT_SENT", SignForMaterials: "same" },
  RESULT_SENT: { RecordDelivery: "DELIVERED", SignForMaterials: "same" },
  DELIVERED: { Close: "CLOSED", SignForMaterials: "same" },
  CLOSED: { RecordRating: "RATED" },
  RATED: {},
  WITHDRAWN: {},
};

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
    const sources = caseStatuses.filter((s) => expected[s][type] !== undefined);
    expect([...rule.from].sort()).toEqual([...sources].sort());
    for (const source of sources) {
      const next = expected[source][type];
      expect(next === "same" ? null : next).toBe(rule.to);
    }
  });
});
