import { describe, expect, it } from "vitest";
import type { CaseCommand } from "./caseCommand";
import type { CaseState } from "./caseState";
import { InvalidCommand } from "./invalidCommand";
import { apply, at, homeCommand, receivingCommand, run, sampleCommand, stateIn, thrownBy } from "./testing/caseFixtures";

function requestCorrection(items: string[]): CaseCommand {
  return { type: "RequestCorrection", actor: "home", data: { items } };
}
function submitCorrection(items: string[]): CaseCommand {
  return { type: "SubmitCorrection", actor: "receiving", data: { items } };
}

describe("correction loop (补正)", () => {
  function twoRounds(): CaseState[] {
    const received = run([
      receivingCommand("SubmitCase"),
      receivingCommand("MarkForwarded"),
      homeCommand("ReceiveCase"),
      homeCommand("SignForMaterials"),
    ]);
    const states: CaseState[] = [received.state];
    const steps: readonly (readonly [string, CaseCommand])[] = [
      ["2025-03-05T02:00:00Z", homeCommand("RequestCorrection")], // Wed
      ["2025-03-07T02:00:00Z", submitCorrection(["营业执照副本复印件"])], // Fri
      ["2025-03-10T02:00:00Z", requestCorrection(["法定代表人签字"])], // Mon
      ["2025-03-12T02:00:00Z", submitCorrection(["法定代表人签字"])], // Wed
      ["2025-03-13T02:00:00Z", homeCommand("Accept")],
    ];
    for (const [iso, command] of steps) {
      const last = states.at(-1) ?? received.state;
      states.push(apply(last, command, at(iso)).state);
    }
    return states;
  }

  it("when corrections are requested and submitted twice, then the case returns to RECEIVED_BY_HOME each time and is then accepted", () => {
    expect(twoRounds().map((s) => s.status)).toEqual([
      "RECEIVED_BY_HOME",
      "CORRECTION_REQUESTED",
      "RECEIVED_BY_HOME",
      "CORRECTION_REQUESTED",
      "RECEIVED_BY_HOME",
      "ACCEPTED",
    ]);
  });

  it("when a third correction is requested after two rounds (一次性告知), then it is refused and the authority must accept or refuse", () => {
    const states = twoRounds();
    const secondAnswered = states[4]!; // RECEIVED_BY_HOME after the second correction
    const err = thrownBy(() => apply(secondAnswered, requestCorrection(["另一份材料"]), at("2025-03-12T08:00:00Z")));
    expect(err).toMatchObject({
      code: "ILLEGAL_TRANSITION",
      grpcStatus: "FAILED_PRECONDITION",
      message: expect.stringContaining("补正告知最多 2 次"),
    });
    expect(apply(secondAnswered, homeCommand("Refuse"), at("2025-03-12T08:00:00Z")).state.status).toBe("NOT_ACCEPTED");
  });

  it("when corrections are requested twice, then both rounds are kept with their items and answers", () => {
    const accepted = twoRounds().at(-1);
    expect(accepted?.status === "ACCEPTED" && accepted.corrections).toEqual([
      {
        round: 1,
        items: ["营业执照副本复印件", "法定代表人签字"],
        requestedAt: at("2025-03-05T02:00:00Z"),
        submittedAt: at("2025-03-07T02:00:00Z"),
        submittedItems: ["营业执照副本复印件"],
      },
      {
        round: 2,
        items: ["法定代表人签字"],
        requestedAt: at("2025-03-10T02:00:00Z"),
        submittedAt: at("2025-03-12T02:00:00Z"),
        submittedItems: ["法定代表人签字"],
      },
    ]);
  });

  it("when a correction is submitted, then the home authority's answer is due 5 working days later", () => {
    const states = twoRounds();
    const afterFirst = states[2];
    const afterSecond = states[4];
    // Fri 7 March + 5 working days = Fri 14 March; Wed 12 March + 5 = Wed 19 March.
    expect(afterFirst?.status === "RECEIVED_BY_HOME" && afterFirst.due.correctionDueAt).toEqual(at("2025-03-14T02:00:00Z"));
    expect(afterSecond?.status === "RECEIVED_BY_HOME" && afterSecond.due.correctionDueAt).toEqual(at("2025-03-19T02:00:00Z"));
  });

  it("when a correction request lists no items, then InvalidCommand names the items field", () => {
    const { state } = stateIn("RECEIVED_BY_HOME");
    const command = requestCorrection([]);
    const error = thrownBy(() => apply(state, command, at("2025-03-04T02:00:00Z")));
    expect(error).toBeInstanceOf(InvalidCommand);
    expect(error).toMatchObject({ grpcStatus: "INVALID_ARGUMENT", violations: [{ field: "items" }] });
  });

  it("when a correction request lists an item twice or a blank item, then each offending entry is reported", () => {
    const { state } = stateIn("RECEIVED_BY_HOME");
    const command = requestCorrection(["身份证复印件", " ", "身份证复印件"]);
    const error = thrownBy(() => apply(state, command, at("2025-03-04T02:00:00Z")));
    expect(error).toMatchObject({ violations: [{ field: "items[1]" }, { field: "items[2]" }] });
  });

  it("when the applicant never corrects, then the home authority may refuse from CORRECTION_REQUESTED", () => {
    const { state } = stateIn("CORRECTION_REQUESTED");
    const refused = apply(state, sampleCommand("Refuse", "home"), at("2025-03-20T02:00:00Z")).state;
    expect(refused).toMatchObject({ status: "NOT_ACCEPTED", refusal: { reasons: ["申请事项不属于本机关职权范围"] } });
  });
});
