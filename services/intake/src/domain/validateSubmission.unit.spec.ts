import { describe, expect, it } from "vitest";
import { Network } from "@tongban/config";
import { sampleSubmission } from "@tongban/demo";
import { makeCreditCode } from "@tongban/identifiers";
import { catalogPort } from "../catalogPort";
import { toSubmissionInput } from "../intakeGrpc";
import { type SubmissionInput, validateSubmission } from "./validateSubmission";

const network = Network.load();
const xiamen = network.node("xiamen")!;
const now = new Date("2026-06-01T02:00:00Z");
const check = (input: SubmissionInput) => validateSubmission(input, { node: xiamen, network, catalog: catalogPort, now });
const valid = () => toSubmissionInput(sampleSubmission(xiamen, "quanzhou", 11));
const fields = (input: SubmissionInput) => {
  const r = check(input);
  return r.ok ? [] : r.violations.map((v) => v.field);
};

describe("formal check of a submission (形式审查)", () => {
  it("when every field is valid, then it passes normalized", () => {
    const r = check({ ...valid(), mailTrackingNo: "ea123456785cn" });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.mailTrackingNo).toBe("EA123456785CN");
  });

  it("when the home city is the receiving city, then home_node is rejected", () => {
    expect(fields({ ...valid(), homeNode: "xiamen" })).toContain("home_node");
  });

  it("when the item cannot travel by remote receipt, then item_code is rejected with the item's name", () => {
    const r = check({ ...valid(), itemCode: "TB-2020-001" });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.violations.find((v) => v.field === "item_code")?.description).toContain("不支持异地代收");
  });

  it("when the item is unknown, then item_code is rejected", () => {
    expect(fields({ ...valid(), itemCode: "TB-9999-999" })).toEqual(["item_code"]);
  });

  it("when the department does not handle the item, then home_department is rejected", () => {
    expect(fields({ ...valid(), homeDepartment: "mzj-not-it" })).toEqual(["home_department"]);
  });

  it("when the window's district belongs to another city, then receiving_division is rejected", () => {
    expect(fields({ ...valid(), receivingDivision: "350503" })).toEqual(["receiving_division"]);
  });

  it("when an organization's credit code fails its check outside Fujian, then applicant.id_number is rejected", () => {
    const good = makeCreditCode("91110000MA0000001");
    const bad = good.slice(0, 17) + (good[17] === "0" ? "1" : "0");
    const a = valid().applicant!;
    expect(fields({ ...valid(), applicant: { ...a, kind: "ORGANIZATION", idNumber: bad } })).toEqual(["applicant.id_number"]);
  });

  it("when a legacy Fujian credit code fails only its check character, then it passes with a warning", () => {
    const good = makeCreditCode("91350200MA0000001");
    const legacy = good.slice(0, 17) + (good[17] === "0" ? "1" : "0");
    const a = valid().applicant!;
    const r = check({ ...valid(), applicant: { ...a, kind: "ORGANIZATION", idNumber: legacy } });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.warnings.join()).toContain("applicant.id_number");
  });

  it("when several fields are wrong, then all are reported at once", () => {
    expect(fields({ ...valid(), receiptNo: "", windowClerk: "", mailTrackingNo: "XX", applicant: undefined }).sort()).toEqual(
      ["applicant", "mail_tracking_no", "receipt_no", "window_clerk"].sort(),
    );
  });
});
