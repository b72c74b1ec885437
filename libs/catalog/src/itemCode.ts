import type { Batch } from "./batch";

declare const itemCodeBrand: unique symbol;

/**
 * Stable catalog item code (事项编码): `TB-<2020|2021|LATER>-<seq>`, where `seq` is the
 * item's position 1–106 across the whole attachment, zero-padded to three digits
 * (e.g. `TB-2020-001`, `TB-2021-049`, `TB-LATER-099`). The batch part makes a code readable
 * on its own; the global sequence keeps codes unique even without it.
 */
export type ItemCode = string & { readonly [itemCodeBrand]: true };

const ITEM_CODE = /^TB-(?:2020|2021|LATER)-\d{3}$/;

const BATCH_PART: Readonly<Record<Batch, string>> = { "2020": "2020", "2021": "2021", later: "LATER" };

/** Builds the code of the item at global position `seq` (1-based) in `batch`. */
export function itemCodeFor(batch: Batch, seq: number): ItemCode {
  if (!Number.isInteger(seq) || seq < 1 || seq > 999) {
    throw new RangeError(`item seq must be an integer in 1..999, got ${seq}`);
  }
  return `TB-${BATCH_PART[batch]}-${String(seq).padStart(3, "0")}` as ItemCode;
}

/**
 * Whether `value` has the shape of an item code. Says nothing about whether the catalog
 * contains it; use `item(code)` for that.
 */
export function isItemCode(value: string): value is ItemCode {
  return ITEM_CODE.test(value);
}
