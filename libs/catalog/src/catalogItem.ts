import type { Batch, BatchLabel } from "./batch";
import type { ItemCode } from "./itemCode";
import type { TimeLimits, TimeLimitsOverride } from "./statutoryTimeLimits";

/**
 * One row of the attachment as stored in `data/items.json`. Text fields are transcribed as
 * written, with PDF line-wrap and justification whitespace removed. A field the attachment
 * has no column for in the item's batch, or whose cell is empty, is left out.
 */
export interface ItemRecord {
  /** Position 1–106 across the whole attachment. */
  readonly seq: number;
  readonly code: ItemCode;
  readonly batch: Batch;
  /** 序号 as printed, restarting at 1 in each batch. */
  readonly batchSeq: number;
  /** 事项名称. */
  readonly name: string;
  /** 应用场景. */
  readonly scenario: string;
  /** National lead department (国家牵头单位). */
  readonly nationalLead: string;
  /** National cooperating departments (配合单位); batches 2020 and 2021 only, when filled in. */
  readonly nationalCooperating?: string;
  /** National completion deadline (国家完成时限); batch "later" only. */
  readonly nationalDeadline?: string;
  /** Provincial lead department (省级牵头单位). */
  readonly provincialLead: string;
  /** 实现形式, exactly as written. */
  readonly mode: string;
  /** 完成时限 for Haicang, as written; absent where the cell is empty. */
  readonly deadline?: string;
  /** 市级牵头单位. */
  readonly cityLead: string;
  /** 区级牵头单位. */
  readonly districtLead: string;
  /** Deviation from the 行政许可法 defaults, with its legal basis. */
  readonly timeLimits?: TimeLimitsOverride;
}

/** A catalog item: its transcribed record plus the values the library derives from it. */
export interface CatalogItem extends Omit<ItemRecord, "timeLimits"> {
  readonly batchLabel: BatchLabel;
  /** Result of `isRemoteReceiptEligible(mode)`. */
  readonly remoteReceipt: boolean;
  /** Result of `isPreReviewAllowed(mode)`: accepting on verified scans before the paper (网上预审). */
  readonly preReview: boolean;
  /** Statutory defaults merged with the item's override, if any. */
  readonly timeLimits: TimeLimits;
}

/** A batch heading of the attachment, with the item count it declares. */
export interface BatchInfo {
  readonly id: Batch;
  readonly label: BatchLabel;
  /** Section heading as printed, e.g. 一、2020年底前实现“跨省通办”的事项（48项）. */
  readonly title: string;
  readonly declaredCount: number;
}

/** Contents of a versioned catalog data file such as `data/items.json`. */
export interface CatalogData {
  readonly version: string;
  /** Citation of the document the items were transcribed from. */
  readonly source: string;
  readonly batches: readonly BatchInfo[];
  readonly items: readonly ItemRecord[];
}
