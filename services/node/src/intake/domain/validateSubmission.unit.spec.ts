import { describe, expect, it } from "vitest";
import { MAX_MATERIALS, MAX_NAME_LENGTH, MAX_VIOLATIONS_REPORTED } from "@tongban/bounds";
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

describe("bounds in the formal check", () => {
  const violation = (input: SubmissionInput, field: string) => {
    const r = check(input);
    return r.ok ? undefined : r.violations.find((v) => v.field === field);
  };

  it("when a submission lists 50,000 materials, then one violation names materials and the limit, answered at once", () => {
    const materials = Array.from({ length: 50_000 }, () => ({ name: "", copies: 1 }));
    const started = performance.now();
    const r = check({ ...valid(), materials });
    expect(performance.now() - started).toBeLessThan(100);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.violations).toEqual([
      { field: "materials", description: `材料最多${MAX_MATERIALS}项 / at most ${MAX_MATERIALS} materials (got 50000)` },
    ]);
  });

  it("when a submission references 20,000 certificates, then certificates is refused with its limit and no entry is checked", () => {
    const certificates = Array.from({ length: 20_000 }, () => ({ certificateId: "bad", number: "" }));
    const r = check({ ...valid(), certificates });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.violations.map((v) => v.field)).toEqual(["certificates"]);
  });

  it("when the applicant's name holds NUL and U+202E, then applicant.name is refused", () => {
    const input = valid();
    const d = violation({ ...input, applicant: { ...input.applicant!, name: "陈\u0000晓\u202E明" } }, "applicant.name");
    expect(d?.description).toContain("U+0000");
  });

  it("when a name, an address or a material name is too long, then each names its field and limit", () => {
    const input = valid();
    const long = { ...input, applicant: { ...input.applicant!, name: "陈".repeat(MAX_NAME_LENGTH + 1), address: "路".repeat(1000) } };
    expect(violation(long, "applicant.name")?.description).toBe(
      `字段过长（最多${MAX_NAME_LENGTH}字）/ field too long (max ${MAX_NAME_LENGTH} characters)`,
    );
    expect(violation(long, "applicant.address")?.description).toContain("field too long");
    expect(violation({ ...input, materials: [{ name: "表".repeat(500), copies: 1 }] }, "materials[0].name")).toBeDefined();
    expect(violation({ ...input, materials: [{ name: "表", copies: 5000 }] }, "materials[0].copies")).toBeDefined();
    expect(violation({ ...input, windowClerk: "c".repeat(10_000) }, "window_clerk")).toBeDefined();
  });

  it("when an over-long value is refused, then the message does not echo it back", () => {
    const r = check({ ...valid(), homeNode: "h".repeat(100_000), itemCode: "i".repeat(100_000) });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(JSON.stringify(r.violations).length).toBeLessThan(1000);
  });

  it("when every material is bad, then at most the reported number of violations comes back", () => {
    const materials = Array.from({ length: MAX_MATERIALS }, () => ({ name: "\u0000", copies: 1000 }));
    const r = check({ ...valid(), materials });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.violations).toHaveLength(MAX_VIOLATIONS_REPORTED + 1);
  });
});
