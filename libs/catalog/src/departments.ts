import bundled from "../data/departments.json" with { type: "json" };
import { loadDepartments, type City, type Department, type DepartmentCode, type DepartmentDirectory } from "./departmentDirectory";

let directory: DepartmentDirectory | undefined;

/** The directory built from the bundled `data/departments.json`, loaded once on first use. */
export function defaultDepartments(): DepartmentDirectory {
  directory ??= loadDepartments(bundled);
  return directory;
}

/**
 * The department of the city at `nodeId` (`xiamen`, `quanzhou`, `zhangzhou`) that is the home
 * authority of catalog item `itemCode`, e.g. `homeDepartment("TB-2021-049", "quanzhou")` →
 * `{ code: "gaj", nodeId: "quanzhou", name: "泉州市公安局", nameEn: "Quanzhou Municipal Public Security Bureau" }`.
 * Undefined when the item or the node is unknown.
 */
export function homeDepartment(itemCode: string, nodeId: string): Department | undefined {
  return defaultDepartments().homeDepartment(itemCode, nodeId);
}

/** All departments of the city at `nodeId`; empty for an unknown node. */
export function departments(nodeId: string): readonly Department[] {
  return defaultDepartments().departments(nodeId);
}

/** The home department code of item `itemCode`, or undefined for an unknown item. */
export function departmentCode(itemCode: string): DepartmentCode | undefined {
  return defaultDepartments().departmentCode(itemCode);
}

/** The pilot cities of the bundled directory. */
export function cities(): readonly City[] {
  return defaultDepartments().cities();
}
