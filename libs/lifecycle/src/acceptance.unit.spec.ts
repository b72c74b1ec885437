import { describe, expect, it } from "vitest";
import type { CaseCommand } from "./caseCommand";
import type { CaseState } from "./caseState";
import { decide } from "./decide";
import type { DecideContext } from "./decideContext";
import { evolve } from "./evolve";
import { at, homeCommand, receivingCommand, thrownBy } from "./testing/caseFixtures";
import { initialState } from "./initialState";
import { statutoryTimeLimits } from "./timeLimits";
import { weekendCalendar } from "./testing/weekendCalendar";

const now = at("2025-03-04T02:00:00Z");
const ctx = (acceptOnScans?: boolean): DecideContext => ({
  now,
  calendar: weekendCalendar,
  timeLimits: statutoryTimeLimits,
  ...(acceptOnScans === undefined ? {} : { acceptOnScans }),
});

function step(state: CaseState, command: CaseCommand, c: DecideContext = ctx()): CaseState {
  return decide(command, state, c).reduce(evolve, state);
}

/** A case received by its home authority, paper not signed for, scans not checked. */
function received(): CaseState {
  const commands = [receivingCommand("SubmitCase"), receivingCommand("MarkForwarded"), homeCommand("ReceiveCase")];
  return commands.reduce<CaseState>((s, c) => step(s, c), initialState);
}

const scansChecked = (verified: number, mismatchedRefs: string[] = [], paperOnly = 0): CaseCommand => ({
  type: "RecordScansChecked",
  actor: "home",
  data: { verified, mismatchedRefs, paperOnly },
});
const accept = homeCommand("Accept");

describe("acceptance on the paper or on the electronic copies (网上预审受理)", () => {
  it("when the paper is signed for, then the case is accepted on it whatever the item's mode", () => {
    const signed = step(received(), homeCommand("SignForMaterials"));
    const events = decide(accept, signed, ctx());
    expect(events).toEqual([{ type: "case.accepted", data: { acceptedAt: now, decisionDueAt: at("2025-04-01T02:00:00Z") } }]);
  });

  it("when the item's mode has no online pre-review, then verified scans alone do not let the case be accepted", () => {
    const checked = step(received(), scansChecked(3));
    for (const c of [ctx(), ctx(false)]) {
      expect(thrownBy(() => decide(accept, checked, c))).toMatchObject({
        code: "ILLEGAL_TRANSITION",
        errorReason: "MATERIALS_REQUIRED",
        reason: { zh: "纸质材料尚未签收，该事项的实现形式不含网上预审，须签收纸质材料后受理" },
      });
    }
  });

  it("when the item allows pre-review but the scans are not all fetched and checked, then acceptance waits", () => {
    expect(thrownBy(() => decide(accept, received(), ctx(true)))).toMatchObject({
      code: "ILLEGAL_TRANSITION",
      reason: {
        en: "the paper materials are not signed for and the scans are not all fetched and checked yet (a case without scans needs the paper)",
      },
    });
  });

  it("when a scan did not match its digest, then the case cannot be accepted on the scans and the refusal names it", () => {
    const checked = step(received(), scansChecked(2, ["scan-7f3a"]));
    expect(thrownBy(() => decide(accept, checked, ctx(true)))).toMatchObject({
      reason: { zh: "纸质材料尚未签收，电子材料 scan-7f3a 核验不符" },
    });
  });

  it("when a material has no scan, then the scans of the others are not enough", () => {
    const checked = step(received(), scansChecked(2, [], 1));
    expect(thrownBy(() => decide(accept, checked, ctx(true)))).toMatchObject({
      reason: { en: "the paper materials are not signed for and 1 material(s) have no scan" },
    });
  });

  it("when every scan is verified and the item allows pre-review, then the case is accepted on them and the paper is still signed for later", () => {
    const checked = step(received(), scansChecked(3));
    const accepted = step(checked, accept, ctx(true));
    expect(accepted).toMatchObject({ status: "ACCEPTED", scans: { checkedAt: now, verified: 3, mismatchedRefs: [], paperOnly: 0 } });
    expect(decide(accept, checked, ctx(true))[0]).toMatchObject({ data: { onElectronicCopies: true } });
    const signed = step(accepted, homeCommand("SignForMaterials"));
    expect(signed).toMatchObject({ status: "ACCEPTED", materialsSignedAt: now });
  });
});

describe("the scans' check (电子材料核验)", () => {
  it("when the scans were already checked, then a second check is refused with the reason", () => {
    const checked = step(received(), scansChecked(1));
    expect(thrownBy(() => decide(scansChecked(1), checked, ctx()))).toMatchObject({
      code: "ILLEGAL_TRANSITION",
      reason: { zh: "电子材料已核验，不能重复登记" },
    });
  });

  it("when the case is not yet forwarded to the home, then no check is recorded", () => {
    const submitted = step(initialState, receivingCommand("SubmitCase"));
    expect(thrownBy(() => decide(scansChecked(1), submitted, ctx()))).toMatchObject({ code: "ILLEGAL_TRANSITION", state: "SUBMITTED" });
  });

  it("when the check carries negative counts or blank references, then InvalidCommand names each field", () => {
    const bad: CaseCommand = { type: "RecordScansChecked", actor: "home", data: { verified: -1, mismatchedRefs: [" "], paperOnly: 1.5 } };
    expect(thrownBy(() => decide(bad, received(), ctx()))).toMatchObject({
      code: "INVALID_COMMAND",
      violations: [{ field: "verified" }, { field: "paperOnly" }, { field: "mismatchedRefs[0]" }],
    });
  });

  it("when the window's side tries to record the check, then it is refused", () => {
    const fromWindow: CaseCommand = {
      type: "RecordScansChecked",
      actor: "receiving",
      data: { verified: 1, mismatchedRefs: [], paperOnly: 0 },
    };
    expect(thrownBy(() => decide(fromWindow, received(), ctx()))).toMatchObject({ code: "FORBIDDEN_ACTOR" });
  });
});
