import type { ItemRecord } from "./catalogItem";
import type { DepartmentCode } from "./departmentDirectory";

/**
 * Keyword → department code, first match wins. Specific units come before the bureau they
 * belong to: 不动产登记中心 is part of 自然资源 (资源规划局), and 住房公积金中心 must not fall
 * under a generic housing rule.
 */
const RULES: readonly (readonly [keyword: string, code: DepartmentCode])[] = [
  ["不动产登记", "zrzyj"],
  ["资源规划", "zrzyj"],
  ["自然资源", "zrzyj"],
  ["住房公积金", "gjj"],
  ["公安", "gaj"],
  ["民政", "mzj"],
  ["人社", "rsj"],
  ["人力资源和社会保障", "rsj"],
  ["市场监", "scjgj"],
  ["卫健", "wjw"],
  ["卫生健康", "wjw"],
  ["医保", "ybj"],
  ["医疗保障", "ybj"],
  ["税务", "swj"],
  ["司法", "sfj"],
  ["生态环境", "sthjj"],
  ["邮政管理", "yzglj"],
  ["残联", "cl"],
  ["残疾人联合会", "cl"],
];

/** The department code a lead unit as written in the attachment (e.g. 市公安局) belongs to. */
export function leadUnitDepartment(unit: string): DepartmentCode | undefined {
  return RULES.find(([keyword]) => unit.includes(keyword))?.[1];
}

/**
 * The home department an item's lead units point to: the district lead unit decides, since it
 * is the office that handles the case; the city lead unit is the fallback. The district unit
 * also settles items with two city leads (市住房局、市资源规划局 → 不动产登记中心 → zrzyj;
 * 市商务局、市公安局 → 公安局海沧分局 → gaj).
 */
export function derivedDepartmentCode(item: Pick<ItemRecord, "districtLead" | "cityLead">): DepartmentCode | undefined {
  return leadUnitDepartment(item.districtLead) ?? leadUnitDepartment(item.cityLead);
}
