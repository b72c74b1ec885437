import bundled from "../data/items.json" with { type: "json" };
import { BATCHES, batchLabel, type Batch } from "./batch";
import { CatalogDataError } from "./catalogDataError";
import type { BatchInfo, CatalogData, CatalogItem, ItemRecord } from "./catalogItem";
import { itemCodeFor } from "./itemCode";
import { parseCatalogData } from "./parseCatalogData";
import { isPreReviewAllowed } from "./preReview";
import { isRemoteReceiptEligible } from "./remoteReceipt";
import { mergeTimeLimits } from "./statutoryTimeLimits";

function toItem({ timeLimits, ...record }: ItemRecord): CatalogItem {
  return Object.freeze({
    ...record,
    batchLabel: batchLabel(record.batch),
    remoteReceipt: isRemoteReceiptEligible(record.mode),
    preReview: isPreReviewAllowed(record.mode),
    timeLimits: mergeTimeLimits(timeLimits),
  });
}

function checkBatches(batches: readonly BatchInfo[]): void {
  const ids = batches.map((b) => b.id);
  if (ids.length !== BATCHES.length || ids.some((id, i) => id !== BATCHES[i])) {
    throw new CatalogDataError(`catalog.batches: expected ${BATCHES.join(", ")} in that order, got ${ids.join(", ")}`);
  }
}

/** Items must run 1..N by seq, batch after batch, each batch numbered from 1 as printed. */
function checkItems(items: readonly ItemRecord[], batches: readonly BatchInfo[]): void {
  const sorted = [...items].sort((a, b) => a.seq - b.seq);
  const counts = new Map<Batch, number>();
  let batchIndex = 0;
  sorted.forEach((it, i) => {
    const where = `item ${it.code}`;
    if (it.seq !== i + 1) throw new CatalogDataError(`${where}: seq ${it.seq} is duplicated or out of sequence (expected ${i + 1})`);
    const index = BATCHES.indexOf(it.batch);
    if (index < batchIndex) throw new CatalogDataError(`${where}: batch ${it.batch} follows a later batch`);
    batchIndex = index;
    const inBatch = (counts.get(it.batch) ?? 0) + 1;
    counts.set(it.batch, inBatch);
    if (it.batchSeq !== inBatch) throw new CatalogDataError(`${where}: batchSeq ${it.batchSeq}, expected ${inBatch}`);
    const expected = itemCodeFor(it.batch, it.seq);
    if (it.code !== expected) throw new CatalogDataError(`${where}: code does not match its batch and seq (expected ${expected})`);
  });
  for (const b of batches) {
    const actual = counts.get(b.id) ?? 0;
    if (actual !== b.declaredCount) {
      throw new CatalogDataError(`batch ${b.id}: ${actual} items, but the heading declares ${b.declaredCount}`);
    }
  }
}

/** An immutable, validated item catalog. Build one with {@link loadCatalog}. */
export class Catalog {
  /** Data file version, e.g. `2021-haicang-1`. */
  readonly version: string;
  /** Citation of the source document. */
  readonly source: string;
  readonly #items: readonly CatalogItem[];
  readonly #byCode: ReadonlyMap<string, CatalogItem>;
  readonly #batches: readonly BatchInfo[];

  /** @throws CatalogDataError when the data breaks an invariant (sequence, codes, batch counts). */
  constructor(data: CatalogData) {
    checkBatches(data.batches);
    checkItems(data.items, data.batches);
    this.version = data.version;
    this.source = data.source;
    this.#batches = Object.freeze(data.batches.map((b) => Object.freeze({ ...b })));
    this.#items = Object.freeze([...data.items].sort((a, b) => a.seq - b.seq).map(toItem));
    this.#byCode = new Map(this.#items.map((it) => [it.code, it]));
  }

  /** All items ordered by seq. */
  items(): readonly CatalogItem[] {
    return this.#items;
  }

  /** The item with `code`, or undefined when the catalog has none. */
  item(code: string): CatalogItem | undefined {
    return this.#byCode.get(code);
  }

  /** Items grouped by batch, each group ordered by seq. */
  byBatch(): Readonly<Record<Batch, readonly CatalogItem[]>> {
    const of = (batch: Batch) => this.#items.filter((it) => it.batch === batch);
    return { "2020": of("2020"), "2021": of("2021"), later: of("later") };
  }

  /** The batch headings with their declared item counts, in catalog order. */
  batches(): readonly BatchInfo[] {
    return this.#batches;
  }
}

/**
 * Validates `raw` and builds a {@link Catalog} from it; without an argument, loads the bundled
 * `data/items.json`.
 *
 * @throws CatalogDataError when the data is malformed or inconsistent.
 */
export function loadCatalog(raw: unknown = bundled): Catalog {
  return new Catalog(parseCatalogData(raw));
}

let bundledCatalog: Catalog | undefined;

/** The catalog built from the bundled data file, loaded once on first use. */
export function defaultCatalog(): Catalog {
  bundledCatalog ??= loadCatalog();
  return bundledCatalog;
}

/** All items of the bundled catalog, ordered by seq. */
export function items(): readonly CatalogItem[] {
  return defaultCatalog().items();
}

/** The bundled catalog's item with `code`, or undefined. */
export function item(code: string): CatalogItem | undefined {
  return defaultCatalog().item(code);
}

/** The bundled catalog's items grouped by batch. */
export function byBatch(): Readonly<Record<Batch, readonly CatalogItem[]>> {
  return defaultCatalog().byBatch();
}
