import type { FieldViolation } from "@tongban/rpc";
import type { Purpose } from "./auditChain";

/**
 * What is missing from a lookup's purpose (用证事由): the case, the item, the requesting node
 * (one of the network's) and the operator. Empty when the purpose is complete.
 */
export function purposeViolations(p: Partial<Purpose> | undefined, knownNodes: readonly string[]): FieldViolation[] {
  const v: FieldViolation[] = [];
  const need = (field: keyof Purpose, wire: string, zh: string, en: string) => {
    if (!p?.[field]?.trim()) v.push({ field: `purpose.${wire}`, description: `用证事由须包含${zh} / the purpose must name the ${en}` });
  };
  need("caseId", "case_id", "案件编号", "case id");
  need("itemCode", "item_code", "事项编码", "item code");
  need("requestingNode", "requesting_node", "请求节点", "requesting node");
  need("operator", "operator", "经办人员", "operator");
  if (p?.requestingNode?.trim() && !knownNodes.includes(p.requestingNode)) {
    v.push({
      field: "purpose.requesting_node",
      description: `未知的请求节点「${p.requestingNode}」/ unknown requesting node '${p.requestingNode}'`,
    });
  }
  return v;
}
