import { readFileSync } from "node:fs";
import { Network, type NodeConfig, defaultNetworkFile } from "@tongban/config";
import bundled from "../data/departments.json" with { type: "json" };
import { loadDepartments, type City, type Department, type DepartmentCode, type DepartmentDirectory } from "./departmentDirectory";

let directory: DepartmentDirectory | undefined;
/** The cities the directory knows: the network file's, then any registered at run time. */
let known: Map<string, City> | undefined;

const cityOf = (n: Pick<NodeConfig, "id" | "name" | "division">): City => ({
  nodeId: n.id,
  name: n.name.zh,
  nameEn: n.name.en,
  divisionCode: n.division,
});

function knownCities(): Map<string, City> {
  if (!known) {
    const file = process.env.TONGBAN_NETWORK_FILE ?? defaultNetworkFile;
    const network = Network.parse(JSON.parse(readFileSync(file, "utf8")));
    known = new Map(network.nodes.map((n) => [n.id, cityOf(n)]));
  }
  return known;
}

/**
 * Makes the cities of a network given at run time known (a node or a test started with another
 * network than the file's): each has every department of the catalog.
 */
export function registerCities(nodes: readonly Pick<NodeConfig, "id" | "name" | "division">[]): void {
  const cities = knownCities();
  let added = false;
  for (const n of nodes) {
    if (cities.has(n.id)) continue;
    cities.set(n.id, cityOf(n));
    added = true;
  }
  if (added) directory = undefined;
}

/** The directory of the bundled `data/departments.json` over the network's cities, built on first use. */
export function defaultDepartments(): DepartmentDirectory {
  directory ??= loadDepartments(bundled, [...knownCities().values()]);
  return directory;
}

/**
 * The department of the city at `nodeId` (`xiamen`, `quanzhou`, `zhangzhou`, or any city of the
 * network) that is the home authority of catalog item `itemCode`, e.g.
 * `homeDepartment("TB-2021-049", "quanzhou")` →
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

/** The cities of the network. */
export function cities(): readonly City[] {
  return defaultDepartments().cities();
}
