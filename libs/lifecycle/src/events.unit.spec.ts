import { describe, expect, it } from "vitest";
import type { CaseEvent } from "./caseEvent";
import { caseCommandTypes } from "./caseCommandTypes";
import { caseEventTypes } from "./caseEventTypes";
import { caseStatuses } from "./caseStatuses";
import { evolve } from "./evolve";
import { initialState } from "./initialState";
import { isCaseEvent } from "./isCaseEvent";
import { isCaseEventType } from "./isCaseEventType";
import { isTerminal } from "./isTerminal";
import { pathTo, run, stateIn } from "./testing/caseFixtures";
import { transitions } from "./transitions";

describe("case event types", () => {
  it("when the list is read, then every type is distinct and named case.*", () => {
    expect(new Set(caseEventTypes).size).toBe(caseEventTypes.length);
    for (const type of caseEventTypes) expect(type).toMatch(/^case\.[a-z_]+$/);
  });

  it("when the transition table is read, then each command records its own event type and all types are used", () => {
    const recorded = caseCommandTypes.map((type) => transitions[type].event);
    expect(new Set(recorded).size).toBe(recorded.length);
    expect([...recorded].sort()).toEqual([...caseEventTypes].sort());
  });

  it("when isCaseEventType is given known and unknown names, then it tells them apart", () => {
    expect(isCaseEventType("case.accepted")).toBe(true);
    expect(isCaseEventType("case.exploded")).toBe(false);
    expect(isCaseEventType(42)).toBe(false);
  });

  it("when isCaseEvent is given decided events, then it accepts them and rejects malformed values", () => {
    const { events } = run(pathTo.RATED);
    for (const event of events) expect(isCaseEvent(event)).toBe(true);
    expect(isCaseEvent({ type: "case.accepted" })).toBe(false);
    expect(isCaseEvent({ type: "case.unknown", data: {} })).toBe(false);
    expect(isCaseEvent(null)).toBe(false);
    expect(isCaseEvent("case.accepted")).toBe(false);
  });
});

describe("evolve", () => {
  it("when an event does not fit the status, then the state is left unchanged", () => {
    const { state } = stateIn("SUBMITTED");
    const stray: CaseEvent = { type: "case.closed", data: { closedAt: new Date("2025-03-04T00:00:00Z") } };
    expect(evolve(state, stray)).toBe(state);
    expect(evolve(initialState, stray)).toBe(initialState);
  });

  it("when a structured copy of the events is replayed, then the same state is rebuilt from their data alone", () => {
    const { state, events } = run(pathTo.CLOSED);
    expect(structuredClone(events).reduce(evolve, initialState)).toEqual(state);
  });
});

describe("isTerminal", () => {
  it("when every status is checked, then only NOT_ACCEPTED, WITHDRAWN and RATED are terminal", () => {
    const terminal = caseStatuses.filter((status) => isTerminal(stateIn(status).state));
    expect(terminal).toEqual(["NOT_ACCEPTED", "RATED", "WITHDRAWN"]);
  });
});
