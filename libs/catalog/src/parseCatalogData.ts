import { batchLabel, isBatch } from "./batch";
import { CatalogDataError } from "./catalogDataError";
import type { BatchInfo, CatalogData, ItemRecord } from "./catalogItem";
import { isItemCode } from "./itemCode";
import type { TimeLimitsOverride } from "./statutoryTimeLimits";

type Json = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function requireObject(value: unknown, where: string): Json {
  if (!isObject(value)) throw new CatalogDataError(`${where}: expected an object`);
  return value;
}

function requireArray(value: unknown, where: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new CatalogDataError(`${where}: expected an array`);
  return value;
}

function requireString(obj: Json, key: string, where: string): string {
  const value = obj[key];
  if (typeof value !== "string" || value.trim() === "") {
    throw new CatalogDataError(`${where}.${key}: expected a non-empty string`);
  }
  return value;
}

function optionalString(obj: Json, key: string, where: string): string | undefined {
  return obj[key] === undefined ? undefined : requireString(obj, key, where);
}

function requireCount(obj: Json, key: string, where: string): number {
  const value = obj[key];
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new CatalogDataError(`${where}.${key}: expected a non-negative integer`);
  }
  return value;
}

function optionalCount(obj: Json, key: string, where: string): number | undefined {
  return obj[key] === undefined ? undefined : requireCount(obj, key, where);
}

/** Copies only the keys whose value is defined, so absent cells stay absent. */
function defined<T extends object>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}

function parseTimeLimits(value: unknown, where: string): TimeLimitsOverride | undefined {
  if (value === undefined) return undefined;
  const obj = requireObject(value, where);
  return defined({
    correctionDays: optionalCount(obj, "correctionDays", where),
    decisionDays: optionalCount(obj, "decisionDays", where),
    extensionDays: optionalCount(obj, "extensionDays", where),
    deliveryDays: optionalCount(obj, "deliveryDays", where),
    basis: requireString(obj, "basis", where),
  });
}

function parseBatchInfo(value: unknown, where: string): BatchInfo {
  const obj = requireObject(value, where);
  const id = obj["id"];
  if (!isBatch(id)) throw new CatalogDataError(`${where}.id: unknown batch ${JSON.stringify(id)}`);
  const label = requireString(obj, "label", where);
  if (label !== batchLabel(id)) throw new CatalogDataError(`${where}.label: expected ${batchLabel(id)}, got ${label}`);
  return {
    id,
    label: batchLabel(id),
    title: requireString(obj, "title", where),
    declaredCount: requireCount(obj, "declaredCount", where),
  };
}

function parseItem(value: unknown, where: string): ItemRecord {
  const obj = requireObject(value, where);
  const code = requireString(obj, "code", where);
  if (!isItemCode(code)) throw new CatalogDataError(`${where}.code: malformed item code ${code}`);
  const batch = obj["batch"];
  if (!isBatch(batch)) throw new CatalogDataError(`${where}.batch: unknown batch ${JSON.stringify(batch)}`);
  return defined({
    seq: requireCount(obj, "seq", where),
    code,
    batch,
    batchSeq: requireCount(obj, "batchSeq", where),
    name: requireString(obj, "name", where),
    scenario: requireString(obj, "scenario", where),
    nationalLead: requireString(obj, "nationalLead", where),
    nationalCooperating: optionalString(obj, "nationalCooperating", where),
    nationalDeadline: optionalString(obj, "nationalDeadline", where),
    provincialLead: requireString(obj, "provincialLead", where),
    mode: requireString(obj, "mode", where),
    deadline: optionalString(obj, "deadline", where),
    cityLead: requireString(obj, "cityLead", where),
    districtLead: requireString(obj, "districtLead", where),
    timeLimits: parseTimeLimits(obj["timeLimits"], `${where}.timeLimits`),
  });
}

/**
 * Checks that `raw` (typically an imported JSON file) has the shape of {@link CatalogData}
 * and returns it typed. Cross-item consistency is checked by the `Catalog` constructor.
 *
 * @throws CatalogDataError naming the first offending field.
 */
export function parseCatalogData(raw: unknown): CatalogData {
  const obj = requireObject(raw, "catalog");
  return {
    version: requireString(obj, "version", "catalog"),
    source: requireString(obj, "source", "catalog"),
    batches: requireArray(obj["batches"], "catalog.batches").map((b, i) => parseBatchInfo(b, `catalog.batches[${i}]`)),
    items: requireArray(obj["items"], "catalog.items").map((it, i) => parseItem(it, `catalog.items[${i}]`)),
  };
}
