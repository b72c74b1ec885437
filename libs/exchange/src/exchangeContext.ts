import type { Collection } from "mongodb";
import type { Logger } from "pino";
import { timeLimits as itemTimeLimits } from "@tongban/catalog";
import type { IdGenerator } from "@tongban/contracts";
import { type DecideContext, type WorkingCalendar, statutoryTimeLimits } from "@tongban/lifecycle";
import type { KeyedMutex } from "@tongban/store";
import type { CaseDoc, InboxEntry } from "./caseDoc";

/** Everything the exchange core needs from its node, injected. */
export interface ExchangeContext {
  nodeId: string;
  topicPrefix: string;
  cases: Collection<CaseDoc>;
  inbox: Collection<InboxEntry>;
  ids: IdGenerator;
  now: () => Date;
  calendar: WorkingCalendar;
  log: Logger;
  /** Every write of a case document in this process goes through this per-case lock. */
  lock: KeyedMutex;
  /** A write left events in case `caseId`'s outbox: relay them now. */
  onOutbox: (caseId: string) => void;
  /** The store applies a filtered update atomically (MongoDB), so `rev` can guard writes across processes. */
  atomicUpdates: boolean;
  /** A case document changed (queue streams, metrics). */
  onChange?: (doc: CaseDoc, kind: "created" | "changed") => void;
}

/** The decide context for a case: the clock, the calendar and the item's statutory time limits. */
export function decideContext(ctx: ExchangeContext, itemCode: string): DecideContext {
  const t = itemTimeLimits(itemCode);
  return {
    now: ctx.now(),
    calendar: ctx.calendar,
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
