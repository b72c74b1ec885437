import { describe, expect, it } from "vitest";
import { MAX_DOCUMENT_REF_LENGTH, MAX_LIST_ENTRIES, MAX_REASON_LENGTH } from "@tongban/bounds";
import type { CaseCommand } from "./caseCommand";
import { validateCommand } from "./validateCommand";

const fields = (command: CaseCommand) => validateCommand(command).map((v) => v.field);

describe("bounds of command data", () => {
  it("when a refusal lists 10,000 reasons, then one violation names reasons and the limit, without walking the entries", () => {
    const reasons = Array.from({ length: 10_000 }, () => "");
    const v = validateCommand({ type: "Refuse", actor: "home", data: { reasons } });
    expect(v).toEqual([
      { field: "reasons", description: `理由最多${MAX_LIST_ENTRIES}项 / at most ${MAX_LIST_ENTRIES} reasons (got 10000)` },
    ]);
  });

  it("when a correction item is too long or holds a control character, then that entry is named", () => {
    const items = ["身份证复印件", "x".repeat(MAX_REASON_LENGTH + 1), "户口\u0000簿"];
    expect(fields({ type: "RequestCorrection", actor: "home", data: { items } })).toEqual(["items[1]", "items[2]"]);
    expect(fields({ type: "SubmitCorrection", actor: "receiving", data: { items: Array(MAX_LIST_ENTRIES + 1).fill("a") } })).toEqual([
      "items",
    ]);
  });

  it("when free text spans lines, then it passes; a bidi override does not", () => {
    expect(fields({ type: "ExtendDeadline", actor: "home", data: { reason: "需要现场核查\n专家评审" } })).toEqual([]);
    expect(fields({ type: "ExtendDeadline", actor: "home", data: { reason: "核查\u202E" } })).toEqual(["reason"]);
    expect(fields({ type: "Suspend", actor: "home", data: { kind: "hearing", reason: "r".repeat(MAX_REASON_LENGTH + 1) } })).toEqual([
      "reason",
    ]);
  });

  it("when a decision reference, a rating comment or a withdrawal reason is too long, then its field is named", () => {
    const documentRef = "文".repeat(MAX_DOCUMENT_REF_LENGTH + 1);
    expect(fields({ type: "Decide", actor: "home", data: { outcome: "approved", documentRef } })).toEqual(["documentRef"]);
    expect(fields({ type: "RecordRating", actor: "receiving", data: { level: "SATISFIED", comment: "好".repeat(10_000) } })).toEqual([
      "comment",
    ]);
    expect(fields({ type: "Withdraw", actor: "receiving", data: { reason: "\u0007" } })).toEqual(["reason"]);
  });

  it("when a case's ids and codes are too long, then each is named", () => {
    const long = "9".repeat(1000);
    const data = {
      caseId: long,
      receiptNo: long,
      itemCode: long,
      receivingNode: "xiamen",
      homeNode: long,
      homeDepartment: long,
      identityVerified: true,
    };
    expect(fields({ type: "SubmitCase", actor: "receiving", data })).toEqual([
      "caseId",
      "receiptNo",
      "itemCode",
      "homeNode",
      "homeDepartment",
    ]);
  });
});
