import { describe, expect, it } from "vitest";
import type { CaseCommand } from "./caseCommand";
import { DomainError } from "./domainError";
import { IllegalTransition } from "./illegalTransition";
import { InvalidCommand } from "./invalidCommand";
import { apply, at, sampleCommand, stateIn, thrownBy } from "./testing/caseFixtures";

const later = at("2025-03-04T02:00:00Z");

describe("coded domain errors", () => {
  it("when an IllegalTransition is built, then it carries code, gRPC status, state, command and a bilingual message", () => {
    const error = new IllegalTransition("ACCEPTED", "Withdraw");
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: "IllegalTransition",
      code: "ILLEGAL_TRANSITION",
      grpcStatus: "FAILED_PRECONDITION",
      state: "ACCEPTED",
      command: "Withdraw",
      text: { zh: "当前状态为「已受理」，不能执行「撤回」", en: "Cannot withdraw: case is in state ACCEPTED" },
    });
    expect(error.message).toBe("当前状态为「已受理」，不能执行「撤回」 / Cannot withdraw: case is in state ACCEPTED");
  });

  it("when a command arrives before the case exists, then IllegalTransition names the INITIAL state", () => {
    const { state } = stateIn("INITIAL");
    expect(thrownBy(() => apply(state, sampleCommand("Accept", "home"), later))).toMatchObject({
      message: "当前状态为「未收件」，不能执行「受理」 / Cannot accept: case is in state INITIAL",
    });
  });

  it("when an InvalidCommand is built, then it lists the field violations and maps to INVALID_ARGUMENT", () => {
    const error = new InvalidCommand("Refuse", [{ field: "reasons", description: "至少需要一项 / must list at least one entry" }]);
    expect(error).toMatchObject({
      name: "InvalidCommand",
      code: "INVALID_COMMAND",
      grpcStatus: "INVALID_ARGUMENT",
      command: "Refuse",
      message: "「不予受理」的数据无效：reasons / Cannot refuse: invalid reasons",
    });
  });
});

describe("command data checks", () => {
  const submit = sampleCommand("SubmitCase", "receiving");
  const submitWith = (data: Record<string, unknown>): CaseCommand => ({ ...submit, data: { ...submit.data, ...data } }) as CaseCommand;

  it("when the applicant's identity was not verified, then the window cannot register the case", () => {
    const { state } = stateIn("INITIAL");
    expect(thrownBy(() => apply(state, submitWith({ identityVerified: false }), later))).toMatchObject({
      code: "INVALID_COMMAND",
      violations: [{ field: "identityVerified" }],
    });
  });

  it("when the home node is the receiving node, then the case is not a cross-city case and is rejected", () => {
    const { state } = stateIn("INITIAL");
    expect(thrownBy(() => apply(state, submitWith({ homeNode: "xiamen" }), later))).toMatchObject({
      violations: [{ field: "homeNode" }],
    });
  });

  it("when several registration fields are blank, then every one is reported", () => {
    const { state } = stateIn("INITIAL");
    const error = thrownBy(() => apply(state, submitWith({ receiptNo: " ", itemCode: "" }), later));
    expect((error as InvalidCommand).violations.map((v) => v.field)).toEqual(["receiptNo", "itemCode"]);
  });

  it("when a registered case is submitted, then identity and other extra data stay out of the event", () => {
    const { state } = stateIn("INITIAL");
    const [event] = apply(state, submitWith({ applicantIdNumber: "350203199001011234" }), later).events;
    expect(event?.data).not.toHaveProperty("applicantIdNumber");
    expect(event?.data).not.toHaveProperty("identityVerified");
  });

  it("when the forwarding tracking number is malformed, then InvalidCommand names trackingNo", () => {
    const { state } = stateIn("SUBMITTED");
    const command: CaseCommand = { type: "MarkForwarded", actor: "receiving", data: { trackingNo: "EMS-123" } };
    expect(thrownBy(() => apply(state, command, later))).toMatchObject({ violations: [{ field: "trackingNo" }] });
  });

  it("when a denial gives no reasons, then InvalidCommand names reasons", () => {
    const { state } = stateIn("UNDER_REVIEW");
    const command: CaseCommand = {
      type: "Decide",
      actor: "home",
      data: { outcome: "denied", documentRef: "泉市监不许〔2025〕3号", reasons: [] },
    };
    expect(thrownBy(() => apply(state, command, later))).toMatchObject({ violations: [{ field: "reasons" }] });
  });

  it("when a denial gives its reasons, then the decision is recorded with them", () => {
    const { state } = stateIn("UNDER_REVIEW");
    const command: CaseCommand = {
      type: "Decide",
      actor: "home",
      data: { outcome: "denied", documentRef: "泉市监不许〔2025〕3号", reasons: ["经营场所不符合要求"] },
    };
    expect(apply(state, command, later).state).toMatchObject({
      status: "DECIDED",
      decision: { outcome: "denied", reasons: ["经营场所不符合要求"] },
    });
  });

  it("when a rating level is unknown, then InvalidCommand names level", () => {
    const { state } = stateIn("CLOSED");
    const command = { type: "RecordRating", actor: "receiving", data: { level: "OK" } } as unknown as CaseCommand;
    expect(thrownBy(() => apply(state, command, later))).toMatchObject({ violations: [{ field: "level" }] });
  });

  it("when a dissatisfied rating comes with a comment, then both are kept", () => {
    const { state } = stateIn("CLOSED");
    const command: CaseCommand = {
      type: "RecordRating",
      actor: "receiving",
      data: { level: "DISSATISFIED", comment: "等待时间较长" },
    };
    expect(apply(state, command, later).state).toMatchObject({
      status: "RATED",
      rating: { level: "DISSATISFIED", comment: "等待时间较长" },
    });
  });
});
