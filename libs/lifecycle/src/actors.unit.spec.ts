import { describe, expect, it } from "vitest";
import type { CaseCommand } from "./caseCommand";
import { DomainError } from "./domainError";
import { ForbiddenActor } from "./forbiddenActor";
import { apply, at, homeCommand, receivingCommand, run, sampleCommand, stateIn, thrownBy } from "./testing/caseFixtures";

const later = at("2025-03-04T02:00:00Z");

describe("which side may issue which command", () => {
  it("when the receiving window tries to accept, then ForbiddenActor names both sides in Chinese and English", () => {
    const { state } = stateIn("RECEIVED_BY_HOME");
    const error = thrownBy(() => apply(state, sampleCommand("Accept", "receiving"), later));
    expect(error).toBeInstanceOf(ForbiddenActor);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({
      code: "FORBIDDEN_ACTOR",
      grpcStatus: "PERMISSION_DENIED",
      actor: "receiving",
      command: "Accept",
      allowed: ["home"],
      message: "「收件地」不能执行「受理」，只有「业务属地」可以 / The receiving side may not accept; only the home authority may",
    });
  });

  it("when the home authority tries to submit a case, then ForbiddenActor is thrown even on an empty stream", () => {
    const { state } = stateIn("INITIAL");
    expect(() => apply(state, sampleCommand("SubmitCase", "home"), later)).toThrow(ForbiddenActor);
  });

  it("when the wrong side issues a command that is also illegal in the status, then ForbiddenActor wins", () => {
    const { state } = stateIn("RATED");
    expect(thrownBy(() => apply(state, sampleCommand("Withdraw", "home"), later))).toMatchObject({
      code: "FORBIDDEN_ACTOR",
    });
  });

  it("when the wrong side sends malformed data, then ForbiddenActor is reported before InvalidCommand", () => {
    const { state } = stateIn("RECEIVED_BY_HOME");
    const command = { type: "Refuse", actor: "receiving", data: { reasons: [] } } as const;
    expect(thrownBy(() => apply(state, command, later))).toBeInstanceOf(ForbiddenActor);
  });
});

describe("recording delivery depends on the channel (送达登记)", () => {
  const decided = run([
    receivingCommand("SubmitCase"),
    receivingCommand("MarkForwarded"),
    homeCommand("ReceiveCase"),
    homeCommand("SignForMaterials"),
    homeCommand("Accept"),
    homeCommand("StartReview"),
    homeCommand("Decide"),
  ]).state;
  const electronic = apply(decided, { type: "SendResult", actor: "home", data: { channel: { kind: "electronic" } } }, later).state;
  const mailed = apply(decided, homeCommand("SendResult"), later).state;

  it("when the result was sent electronically, then the home authority records the delivery", () => {
    const delivered = apply(electronic, homeCommand("RecordDelivery"), later).state;
    expect(delivered).toMatchObject({ status: "DELIVERED", delivery: { recordedBy: "home" } });
  });

  it("when the result was sent electronically, then the receiving side may not record the delivery", () => {
    expect(thrownBy(() => apply(electronic, receivingCommand("RecordDelivery"), later))).toMatchObject({
      code: "FORBIDDEN_ACTOR",
      allowed: ["home"],
      reason: { zh: "电子送达由业务属地登记" },
    });
  });

  it("when the result was mailed, then only the receiving side records the delivery", () => {
    expect(apply(mailed, receivingCommand("RecordDelivery"), later).state).toMatchObject({
      status: "DELIVERED",
      delivery: { recordedBy: "receiving" },
    });
    expect(thrownBy(() => apply(mailed, homeCommand("RecordDelivery"), later))).toMatchObject({
      code: "FORBIDDEN_ACTOR",
      allowed: ["receiving"],
      reason: { en: "mail delivery is recorded by the receiving side" },
    });
  });

  it("when a result is mailed without a valid tracking number, then InvalidCommand names channel.trackingNo", () => {
    const command: CaseCommand = {
      type: "SendResult",
      actor: "home",
      data: { channel: { kind: "mail", trackingNo: "12 34" } },
    };
    expect(thrownBy(() => apply(decided, command, later))).toMatchObject({
      code: "INVALID_COMMAND",
      violations: [{ field: "channel.trackingNo" }],
    });
  });
});

describe("materials signed for (材料签收)", () => {
  it("when the home authority signs for the materials, then the flag is set and the status does not change", () => {
    const { state } = stateIn("ACCEPTED");
    const signed = apply(state, homeCommand("SignForMaterials"), later).state;
    expect(signed).toMatchObject({ status: "ACCEPTED", materialsSignedAt: later });
  });

  it("when the materials were already signed for, then signing again is refused with the reason", () => {
    const { state } = stateIn("FORWARDED");
    const signed = apply(state, homeCommand("SignForMaterials"), later).state;
    const afterReceipt = apply(signed, homeCommand("ReceiveCase"), later).state;
    expect(afterReceipt).toMatchObject({ status: "RECEIVED_BY_HOME", materialsSignedAt: later });
    expect(thrownBy(() => apply(afterReceipt, homeCommand("SignForMaterials"), later))).toMatchObject({
      code: "ILLEGAL_TRANSITION",
      reason: { zh: "材料已签收，不能重复签收" },
    });
  });

  it("when the materials have not been mailed yet, then they cannot be signed for", () => {
    const { state } = stateIn("SUBMITTED");
    expect(thrownBy(() => apply(state, homeCommand("SignForMaterials"), later))).toMatchObject({
      code: "ILLEGAL_TRANSITION",
      state: "SUBMITTED",
    });
  });

  it("when the case is closed, then the materials can no longer be signed for", () => {
    const { state } = stateIn("CLOSED");
    expect(thrownBy(() => apply(state, homeCommand("SignForMaterials"), later))).toMatchObject({
      code: "ILLEGAL_TRANSITION",
      state: "CLOSED",
    });
  });
});
