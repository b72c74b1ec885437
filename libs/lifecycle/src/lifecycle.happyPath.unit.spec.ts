import { describe, expect, it } from "vitest";
import type { CaseCommand } from "./caseCommand";
import type { CaseEvent } from "./caseEvent";
import type { CaseState } from "./caseState";
import { evolve } from "./evolve";
import { initialState } from "./initialState";
import { isOverdue } from "./isOverdue";
import { isTerminal } from "./isTerminal";
import { apply, at, homeCommand, receivingCommand } from "./testing/caseFixtures";

const steps: readonly (readonly [string, CaseCommand])[] = [
  ["2025-03-06T01:00:00Z", receivingCommand("SubmitCase")], // Thu, Xiamen window
  ["2025-03-06T08:00:00Z", receivingCommand("MarkForwarded")],
  ["2025-03-10T02:00:00Z", homeCommand("ReceiveCase")], // Mon, Quanzhou
  ["2025-03-10T03:00:00Z", homeCommand("SignForMaterials")],
  ["2025-03-11T02:00:00Z", homeCommand("Accept")], // Tue
  ["2025-03-11T03:00:00Z", homeCommand("StartReview")],
  ["2025-03-20T02:00:00Z", homeCommand("Decide")], // Thu
  ["2025-03-20T06:00:00Z", homeCommand("SendResult")],
  ["2025-03-24T02:00:00Z", receivingCommand("RecordDelivery")], // Mon
  ["2025-03-24T05:00:00Z", homeCommand("Close")],
  ["2025-03-24T06:00:00Z", receivingCommand("RecordRating")],
];

function runAll(): { states: CaseState[]; events: CaseEvent[] } {
  const states: CaseState[] = [];
  const events: CaseEvent[] = [];
  let state: CaseState = initialState;
  for (const [iso, command] of steps) {
    const result = apply(state, command, at(iso));
    state = result.state;
    states.push(state);
    events.push(...result.events);
  }
  return { states, events };
}

describe("happy path from the window to the rating", () => {
  it("when every step is taken in order, then the case goes through every status to RATED", () => {
    const { states } = runAll();
    expect(states.map((s) => s.status)).toEqual([
      "SUBMITTED",
      "FORWARDED",
      "RECEIVED_BY_HOME",
      "RECEIVED_BY_HOME",
      "ACCEPTED",
      "UNDER_REVIEW",
      "DECIDED",
      "RESULT_SENT",
      "DELIVERED",
      "CLOSED",
      "RATED",
    ]);
  });

  it("when every step is taken, then one event per step is recorded with its type", () => {
    expect(runAll().events.map((e) => e.type)).toEqual([
      "case.submitted",
      "case.forwarded",
      "case.received",
      "case.materials_signed",
      "case.accepted",
      "case.review_started",
      "case.decided",
      "case.result_sent",
      "case.delivered",
      "case.closed",
      "case.rated",
    ]);
  });

  it("when the case is rated, then its file holds the timeline, due dates, decision, delivery and rating", () => {
    const final = runAll().states.at(-1);
    expect(final).toMatchObject({
      status: "RATED",
      caseId: "case-0001",
      receivingNode: "xiamen",
      homeNode: "quanzhou",
      mailTrackingNo: "1100123456789",
      materialsSignedAt: at("2025-03-10T03:00:00Z"),
      timeline: {
        submittedAt: at("2025-03-06T01:00:00Z"),
        forwardedAt: at("2025-03-06T08:00:00Z"),
        receivedAt: at("2025-03-10T02:00:00Z"),
        acceptedAt: at("2025-03-11T02:00:00Z"),
        reviewStartedAt: at("2025-03-11T03:00:00Z"),
        decidedAt: at("2025-03-20T02:00:00Z"),
        resultSentAt: at("2025-03-20T06:00:00Z"),
        deliveredAt: at("2025-03-24T02:00:00Z"),
        closedAt: at("2025-03-24T05:00:00Z"),
        ratedAt: at("2025-03-24T06:00:00Z"),
      },
      due: {
        correctionDueAt: at("2025-03-17T02:00:00Z"), // 5 working days after Mon 10 March
        decisionDueAt: at("2025-04-08T02:00:00Z"), // 20 working days after Tue 11 March
        deliveryDueAt: at("2025-04-03T02:00:00Z"), // 10 working days after Thu 20 March
      },
      decision: { outcome: "approved", documentRef: "泉市监许〔2025〕12号" },
      result: { kind: "mail", trackingNo: "1100987654321" },
      delivery: { recordedBy: "receiving" },
      rating: { level: "VERY_SATISFIED" },
      corrections: [],
      suspensions: [],
    });
  });

  it("when the case is rated, then it is terminal and nothing is overdue", () => {
    const final = runAll().states.at(-1) ?? initialState;
    expect(isTerminal(final)).toBe(true);
    expect(isOverdue(final, at("2030-01-01T00:00:00Z"))).toBeNull();
  });

  it("when the recorded events are replayed, then the same state is rebuilt without a clock", () => {
    const { states, events } = runAll();
    expect(events.reduce(evolve, initialState)).toEqual(states.at(-1));
  });
});
