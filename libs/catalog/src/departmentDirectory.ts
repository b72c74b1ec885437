import { CatalogDataError } from "./catalogDataError";

/**
 * Department code shared by every city, e.g. `gaj` (公安局), `rsj` (人力资源和社会保障局).
 * The set of codes is the same in all cities.
 */
export type DepartmentCode = string;

/** A city's department, with names as displayed in that city (e.g. 厦门市公安局). */
export interface Department {
  readonly code: DepartmentCode;
  /** Node id of the city, e.g. `xiamen`. */
  readonly nodeId: string;
  /** Chinese name, city-qualified: 厦门市公安局. */
  readonly name: string;
  /** English name, city-qualified: Xiamen Municipal Public Security Bureau. */
  readonly nameEn: string;
}

/** A city of the network and its exchange node (from the network configuration, deploy/network.json). */
export interface City {
  readonly nodeId: string;
  /** 厦门市. */
  readonly name: string;
  /** Xiamen. */
  readonly nameEn: string;
  /** 行政区划代码, e.g. 350200. */
  readonly divisionCode: string;
}

/** City-independent department entry as stored in `data/departments.json`. */
export interface DepartmentKind {
  readonly code: DepartmentCode;
  /** 公安局. */
  readonly name: string;
  /** Public Security Bureau. */
  readonly nameEn: string;
}

/** Contents of `data/departments.json`. */
export interface DepartmentData {
  readonly version: string;
  readonly departments: readonly DepartmentKind[];
  /** Item code → home department code. */
  readonly items: Readonly<Record<string, DepartmentCode>>;
}

type Json = Readonly<Record<string, unknown>>;

function object(value: unknown, where: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new CatalogDataError(`${where}: expected an object`);
  }
  return value as Json;
}

function list(value: unknown, where: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new CatalogDataError(`${where}: expected an array`);
  return value;
}

function text(obj: Json, key: string, where: string): string {
  const value = obj[key];
  if (typeof value !== "string" || value.trim() === "") {
    throw new CatalogDataError(`${where}.${key}: expected a non-empty string`);
  }
  return value;
}

function unique(values: readonly string[], where: string): void {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) throw new CatalogDataError(`${where}: duplicate ${v}`);
    seen.add(v);
  }
}

/**
 * Checks that `raw` has the shape of {@link DepartmentData}, that node ids and department codes
 * are unique and that every item maps to a known department.
 *
 * @throws CatalogDataError naming the first offending field.
 */
export function parseDepartmentData(raw: unknown): DepartmentData {
  const obj = object(raw, "departments");
  const departments = list(obj["departments"], "departments.departments").map((d, i) => {
    const where = `departments.departments[${i}]`;
    const dep = object(d, where);
    return { code: text(dep, "code", where), name: text(dep, "name", where), nameEn: text(dep, "nameEn", where) };
  });
  unique(
    departments.map((d) => d.code),
    "departments.departments",
  );
  const known = new Set(departments.map((d) => d.code));
  const mapping = object(obj["items"], "departments.items");
  const items: Record<string, DepartmentCode> = {};
  for (const code of Object.keys(mapping)) {
    const dep = text(mapping, code, "departments.items");
    if (!known.has(dep)) throw new CatalogDataError(`departments.items.${code}: unknown department ${dep}`);
    items[code] = dep;
  }
  return { version: text(obj, "version", "departments"), departments, items };
}

/**
 * Cities, their departments and each item's home department. The departments and the items' home
 * departments are the catalog's (data/departments.json); the cities are the network's, so a city
 * added to the network configuration has every department. Build one with `loadDepartments`.
 */
export class DepartmentDirectory {
  readonly version: string;
  readonly #cities: ReadonlyMap<string, City>;
  readonly #kinds: ReadonlyMap<DepartmentCode, DepartmentKind>;
  readonly #items: ReadonlyMap<string, DepartmentCode>;

  constructor(data: DepartmentData, cities: readonly City[]) {
    this.version = data.version;
    this.#cities = new Map(cities.map((c) => [c.nodeId, Object.freeze({ ...c })]));
    this.#kinds = new Map(data.departments.map((d) => [d.code, Object.freeze({ ...d })]));
    this.#items = new Map(Object.entries(data.items));
  }

  /** The cities, in the network's order. */
  cities(): readonly City[] {
    return [...this.#cities.values()];
  }

  /** Department codes, the same for every city. */
  departmentCodes(): readonly DepartmentCode[] {
    return [...this.#kinds.keys()];
  }

  /** The home department code of item `itemCode`, whichever city handles it. */
  departmentCode(itemCode: string): DepartmentCode | undefined {
    return this.#items.get(itemCode);
  }

  /** Department `code` of the city at `nodeId`, or undefined when either is unknown. */
  department(code: DepartmentCode, nodeId: string): Department | undefined {
    const city = this.#cities.get(nodeId);
    const kind = this.#kinds.get(code);
    if (city === undefined || kind === undefined) return undefined;
    return Object.freeze({
      code,
      nodeId,
      name: `${city.name}${kind.name}`,
      nameEn: `${city.nameEn} Municipal ${kind.nameEn}`,
    });
  }

  /** All departments of the city at `nodeId`; empty for an unknown node. */
  departments(nodeId: string): readonly Department[] {
    return this.departmentCodes().flatMap((code) => this.department(code, nodeId) ?? []);
  }

  /**
   * The department of the city at `nodeId` that handles item `itemCode` as its home authority
   * (业务属地主管部门); undefined when the item or the node is unknown.
   */
  homeDepartment(itemCode: string, nodeId: string): Department | undefined {
    const code = this.#items.get(itemCode);
    return code === undefined ? undefined : this.department(code, nodeId);
  }
}

/**
 * Validates `raw` and builds a {@link DepartmentDirectory}.
 *
 * @throws CatalogDataError when the data is malformed or inconsistent.
 */
export function loadDepartments(raw: unknown, cities: readonly City[]): DepartmentDirectory {
  return new DepartmentDirectory(parseDepartmentData(raw), cities);
}
