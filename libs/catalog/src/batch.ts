/**
 * Implementation batch of a catalog item, as the attachment groups them:
 * `"2020"` = 2020年底前, `"2021"` = 2021年底前, `"later"` = 2021年以后.
 */
export type Batch = "2020" | "2021" | "later";

/** Chinese label of a batch, as printed in the attachment's section headings. */
export type BatchLabel = "2020年底前" | "2021年底前" | "2021年以后";

/** All batches in catalog order. */
export const BATCHES: readonly Batch[] = ["2020", "2021", "later"];

const LABELS: Readonly<Record<Batch, BatchLabel>> = {
  "2020": "2020年底前",
  "2021": "2021年底前",
  later: "2021年以后",
};

/** Returns the Chinese label of `batch`, e.g. `batchLabel("later") === "2021年以后"`. */
export function batchLabel(batch: Batch): BatchLabel {
  return LABELS[batch];
}

/** Narrows an arbitrary value to a {@link Batch}. */
export function isBatch(value: unknown): value is Batch {
  return value === "2020" || value === "2021" || value === "later";
}
