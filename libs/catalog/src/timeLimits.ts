import { defaultCatalog } from "./catalog";
import type { TimeLimits } from "./statutoryTimeLimits";

/**
 * Statutory time limits (working days) of the bundled catalog's item `itemCode`: the
 * 行政许可法 defaults with the item's override from `items.json` applied; undefined for an
 * unknown code.
 */
export function timeLimits(itemCode: string): TimeLimits | undefined {
  return defaultCatalog().item(itemCode)?.timeLimits;
}
