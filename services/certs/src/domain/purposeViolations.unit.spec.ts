import { describe, expect, it } from "vitest";
import { purposeViolations } from "./purposeViolations";

const nodes = ["xiamen", "quanzhou", "zhangzhou"];

describe("purposeViolations", () => {
  it("when the purpose is complete, then there is nothing to refuse", () => {
    expect(purposeViolations({ caseId: "c1", itemCode: "TB-2020-010", requestingNode: "xiamen", operator: "clerk-1" }, nodes)).toEqual([]);
  });

  it("when there is no purpose at all, then all four fields are named, in Chinese and English", () => {
    const v = purposeViolations(undefined, nodes);
    expect(v.map((x) => x.field)).toEqual(["purpose.case_id", "purpose.item_code", "purpose.requesting_node", "purpose.operator"]);
    expect(v[0]!.description).toMatch(/用证事由.* \/ the purpose/);
  });

  it("when the requesting node is not in the network, then it is refused", () => {
    const v = purposeViolations({ caseId: "c1", itemCode: "i", requestingNode: "fuzhou", operator: "o" }, nodes);
    expect(v.map((x) => x.field)).toEqual(["purpose.requesting_node"]);
  });
});
