import type { Logger } from "pino";
import { item as catalogItem, timeLimits as itemTimeLimits } from "@tongban/catalog";
import type { IdGenerator, Sealed, Signer, SigningKeys } from "@tongban/contracts";
import { type DecideContext, type WorkingCalendar, statutoryTimeLimits } from "@tongban/lifecycle";
import type { Appended, KeyedMutex } from "@tongban/store";
import type { CaseCache } from "./caseCache";
import type { CaseIndex } from "./caseIndex";
import type { CaseRow } from "./caseLog";
import type { CaseDoc, InboxEntry } from "./caseDoc";

/**
 * The case command handler's store port: the node's append-only case log. `CaseLog` implements it
 * on MongoDB/FerretDB; the fast test tier has an in-memory one.
 */
export interface CaseStore {
  /** Every case the node has, with what lookups need, in memory. */
  readonly index: CaseIndex;
  /** Entries of stored rows not yet published: `has` is false once a case's are all out. */
  readonly outbox: { has(caseId: string): boolean; readonly pendingCases: number };
  /** Appends a row; `doc` is the document it leads to (see CaseLog.append). */
  append(row: CaseRow, doc: CaseDoc): Appended;
  /** The document a case's rows on their way lead to. */
  aheadOf(caseId: string): { doc: CaseDoc; durable: Promise<void>; done: Promise<void> } | undefined;
  /** A case as stored, or undefined when the node does not have it. */
  read(caseId: string): Promise<CaseDoc | undefined>;
  /** Resolves when every row appended so far is durable. */
  flush(): Promise<void>;
}

/** Event ids already applied (收件箱), for messages outside a case's history. */
export interface InboxStore {
  seen(eventId: string): Promise<boolean>;
  /** Records an applied event; stored by the next flush. */
  add(entry: InboxEntry): void;
  /** Stores what was added; a consumer calls it before committing offsets. */
  flush(): Promise<void>;
}

/** Everything the exchange core needs from its node, injected. */
export interface ExchangeContext {
  nodeId: string;
  topicPrefix: string;
  /** Ids of the network's nodes: a message from anyone else is refused. */
  nodes: ReadonlySet<string>;
  /** This node's active signing key: every envelope and tracking event it sends is signed. */
  signer: Signer;
  /** The network's public signing keys, against which every received envelope is checked. */
  trust: SigningKeys;
  /** Seals applicants' personal data for a case's home node, and opens what was sealed for this one. */
  sealing: { sealFor(node: string, plain: Uint8Array, aad: string): Sealed; open(s: Sealed, aad: string): Buffer | undefined };
  inbox: InboxStore;
  ids: IdGenerator;
  now: () => Date;
  calendar: WorkingCalendar;
  log: Logger;
  /** Every change of a case in this process goes through this per-case lock. */
  lock: KeyedMutex;
  /** What this process last wrote of each recent case (it is the only writer). */
  cache: CaseCache;
  /**
   * Receipt key (`<node>:<receipt no>`) → case id of every case this node received at its windows:
   * loaded once at start, added to by each registered submission (this process is the only
   * writer), so a retried submission is recognised without querying by a field FerretDB cannot
   * look up without decoding the whole collection.
   */
  receipts: Map<string, string>;
  /** The node's single writer of cases: appends rows with group commit (see CaseLog). */
  caseLog: CaseStore;
  /** Largest envelope an outbox entry may have (default MAX_ENVELOPE_BYTES). */
  maxEnvelopeBytes?: number;
  /**
   * Throws (a transient error: UNAVAILABLE to a gRPC caller, a retry to the consumer) unless this
   * process still holds the city's writer lease; called right before each write of a case or
   * inbox document.
   */
  assertWriter?: () => void;
  /** A case document changed (queue streams, metrics). */
  onChange?: (doc: CaseDoc, kind: "created" | "changed") => void;
}

/** The decide context for a case: the clock, the calendar, the item's statutory time limits and its mode. */
export function decideContext(ctx: ExchangeContext, itemCode: string): DecideContext {
  const t = itemTimeLimits(itemCode);
  return {
    now: ctx.now(),
    calendar: ctx.calendar,
    acceptOnScans: catalogItem(itemCode)?.preReview === true,
    timeLimits: t
      ? {
          correctionRequestDays: t.correctionDays,
          decisionDays: t.decisionDays,
          extensionDays: t.extensionDays,
          deliveryDays: t.deliveryDays,
        }
      : statutoryTimeLimits,
  };
}

/**
 * A case as this node has it: with changes still on their way to the store, from the cache when
 * this process wrote it recently, else read from the store.
 */
export async function loadCase(ctx: ExchangeContext, caseId: string): Promise<CaseDoc | undefined> {
  const ahead = ctx.caseLog.aheadOf(caseId);
  if (ahead) return ahead.doc;
  const cached = ctx.cache.get(caseId);
  if (cached) return cached;
  const doc = await ctx.caseLog.read(caseId);
  if (doc) ctx.cache.set(doc);
  return doc ?? undefined;
}
