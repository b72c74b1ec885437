import { describe, expect, it } from "vitest";
import type { CaseState } from "./caseState";
import { isOverdue } from "./isOverdue";
import { apply, at, homeCommand, receivingCommand, run } from "./testing/caseFixtures";
import { weekendCalendar } from "./testing/weekendCalendar";

function forwarded(): CaseState {
  return run([receivingCommand("SubmitCase"), receivingCommand("MarkForwarded")], at("2025-03-06T01:00:00Z")).state;
}

describe("due dates on the working-day calendar", () => {
  it("when the test calendar adds working days from a Friday, then the weekend is skipped", () => {
    expect(weekendCalendar.addWorkingDays(at("2025-03-07T02:00:00Z"), 1)).toEqual(at("2025-03-10T02:00:00Z"));
    expect(weekendCalendar.addWorkingDays(at("2025-03-08T02:00:00Z"), 1)).toEqual(at("2025-03-10T02:00:00Z"));
  });

  it("when the home authority receives a case on a Friday, then the answer is due the next Friday", () => {
    const received = apply(forwarded(), homeCommand("ReceiveCase"), at("2025-03-07T02:00:00Z")).state;
    expect(received.status === "RECEIVED_BY_HOME" && received.due.correctionDueAt).toEqual(at("2025-03-14T02:00:00Z"));
  });

  it("when a case is received on a Saturday, then counting starts on Monday", () => {
    const received = apply(forwarded(), homeCommand("ReceiveCase"), at("2025-03-08T02:00:00Z")).state;
    expect(received.status === "RECEIVED_BY_HOME" && received.due.correctionDueAt).toEqual(at("2025-03-14T02:00:00Z"));
  });

  it("when a case is accepted on a Thursday, then the decision is due 20 working days later across four weekends", () => {
    const received = apply(forwarded(), homeCommand("ReceiveCase"), at("2025-03-06T05:00:00Z")).state;
    const signed = apply(received, homeCommand("SignForMaterials"), at("2025-03-06T05:30:00Z")).state;
    const accepted = apply(signed, homeCommand("Accept"), at("2025-03-06T06:00:00Z")).state;
    expect(accepted.status === "ACCEPTED" && accepted.due.decisionDueAt).toEqual(at("2025-04-03T06:00:00Z"));
  });

  it("when a decision is made on a Thursday, then delivery is due 10 working days later across two weekends", () => {
    const decided = run([
      receivingCommand("SubmitCase"),
      receivingCommand("MarkForwarded"),
      homeCommand("ReceiveCase"),
      homeCommand("SignForMaterials"),
      homeCommand("Accept"),
      homeCommand("StartReview"),
    ]).state;
    const state = apply(decided, homeCommand("Decide"), at("2025-03-13T02:00:00Z")).state;
    expect(state.status === "DECIDED" && state.due.deliveryDueAt).toEqual(at("2025-03-27T02:00:00Z"));
  });
});

describe("isOverdue", () => {
  const received = apply(forwarded(), homeCommand("ReceiveCase"), at("2025-03-07T02:00:00Z")).state;
  const signed = apply(received, homeCommand("SignForMaterials"), at("2025-03-07T02:30:00Z")).state;
  const accepted = apply(signed, homeCommand("Accept"), at("2025-03-07T03:00:00Z")).state;
  const underReview = apply(accepted, homeCommand("StartReview"), at("2025-03-07T04:00:00Z")).state;
  const decided = apply(underReview, homeCommand("Decide"), at("2025-03-13T02:00:00Z")).state;
  const sent = apply(decided, homeCommand("SendResult"), at("2025-03-13T03:00:00Z")).state;
  const delivered = apply(sent, receivingCommand("RecordDelivery"), at("2025-04-30T03:00:00Z")).state;

  it("when the answer due date has not passed, then nothing is overdue", () => {
    expect(isOverdue(received, at("2025-03-14T02:00:00Z"))).toBeNull();
  });

  it("when the answer due date has passed, then the correction stage is overdue", () => {
    expect(isOverdue(received, at("2025-03-14T02:00:00.001Z"))).toEqual({
      stage: "correction",
      dueAt: at("2025-03-14T02:00:00Z"),
    });
  });

  it("when an accepted case passes its decision due date, then the decision stage is overdue", () => {
    // Fri 7 March + 20 working days = Fri 4 April.
    expect(isOverdue(accepted, at("2025-04-04T03:00:00Z"))).toBeNull();
    expect(isOverdue(accepted, at("2025-04-07T00:00:00Z"))).toEqual({
      stage: "decision",
      dueAt: at("2025-04-04T03:00:00Z"),
    });
    expect(isOverdue(underReview, at("2025-04-07T00:00:00Z"))).toMatchObject({ stage: "decision" });
  });

  it("when a decided or sent result passes its delivery due date, then the delivery stage is overdue", () => {
    const late = at("2025-03-28T00:00:00Z");
    expect(isOverdue(decided, late)).toEqual({ stage: "delivery", dueAt: at("2025-03-27T02:00:00Z") });
    expect(isOverdue(sent, late)).toMatchObject({ stage: "delivery" });
  });

  it("when the result is delivered, then nothing is overdue any more, even if delivery was late", () => {
    expect(isOverdue(delivered, at("2025-05-01T00:00:00Z"))).toBeNull();
  });

  it("when the case is waiting for the applicant's correction, then the home authority is not overdue", () => {
    const waiting = apply(received, homeCommand("RequestCorrection"), at("2025-03-10T02:00:00Z")).state;
    expect(isOverdue(waiting, at("2025-06-01T00:00:00Z"))).toBeNull();
  });
});
