import { Binary } from "mongodb";
import {
  type CaseEvent as WireEvent,
  type EventEnvelope,
  SCHEMA_VERSION,
  SpanKind,
  continueTrace,
  encodeEnvelope,
  instantSpan,
  eventTypeOf,
  signMessage,
  topics,
} from "@tongban/contracts";
import { type CaseEvent, type CaseState, evolve, isOverdue } from "@tongban/lifecycle";
import type { OutboxEntry } from "@tongban/store";
import { type CaseDoc, type HandledRequest, MAX_REMEMBERED_REQUESTS } from "./caseDoc";
import { type CaseRow, rowId } from "./caseLog";
import { toWire } from "./eventMapping";
import { checkEnvelopeSize } from "./envelopeLimit";
import { type ExchangeContext, loadCase } from "./exchangeContext";
import { trackingEntry } from "./tracking";

const FAR_FUTURE = new Date(8.64e15);

/** The due date of the stage the case is in, or null when no clock runs. */
export const currentDueAt = (state: CaseState): Date | null => isOverdue(state, FAR_FUTURE)?.dueAt ?? null;

/** Outbox entry carrying one wire payload to `target`'s inbound topic, signed by this node; throws EnvelopeTooLarge if it could never be published. */
export function outboxEntry(ctx: ExchangeContext, caseId: string, target: string, payload: WireEvent, caseSeq: number): OutboxEntry {
  const unsigned: EventEnvelope = {
    eventId: ctx.ids(),
    caseId,
    type: eventTypeOf(payload),
    sourceNode: ctx.nodeId,
    targetNode: target,
    occurredAt: ctx.now(),
    schemaVersion: SCHEMA_VERSION,
    // The produce span's context: the receiving node continues the case's trace from it.
    trace: instantSpan(`kafka.produce ${eventTypeOf(payload)}`, SpanKind.PRODUCER, { "case.id": caseId, "messaging.destination": target }),
    caseSeq,
    signature: Buffer.alloc(0),
    keyId: "",
    payload,
  };
  const env = signMessage(unsigned, encodeEnvelope, ctx.signer);
  return checkEnvelopeSize(
    {
      eventId: env.eventId,
      topic: topics.inbound(ctx.topicPrefix, target),
      key: caseId,
      value: new Binary(encodeEnvelope(env)),
      headers: { "event-type": env.type, "event-id": env.eventId, "source-node": env.sourceNode, "schema-version": String(SCHEMA_VERSION) },
    },
    ctx.maxEnvelopeBytes,
  );
}

/** What one command or inbound event does to a case: the handler evolves the state and builds the messages. */
export interface CaseChange {
  /** Lifecycle events received from the peer, appended to the history here (before `decided`). */
  applied?: CaseEvent[];
  /** Lifecycle events this node decided, appended to the history and sent to the peer. */
  decided?: CaseEvent[];
  /** Messages to the peer outside the history (command requests and rejections). */
  messages?: WireEvent[];
  request?: HandledRequest;
  set?: Partial<
    Pick<
      CaseDoc,
      "lastRejection" | "claimedBy" | "claimUntil" | "certificateChecks" | "certificatesPending" | "certificateAlerts" | "jointReport"
    >
  >;
}

/** A decision about a case: a change, nothing to do, or a request already handled. */
export type Decision = CaseChange | "unchanged" | "duplicate";

/** What handling a case did: the case as it is now, the events appended, whether it was a retry, and when it is durable. */
export interface Handled {
  doc: CaseDoc;
  events: CaseEvent[];
  duplicate: boolean;
  /** Whether a row was appended. */
  changed: boolean;
  /** Resolves once the change is stored (a gRPC reply waits for it; a consumer flushes the log before committing). */
  durable: Promise<void>;
}

const historyEvent = (e: CaseEvent): Exclude<CaseEvent, { type: "case.submitted" }> => {
  if (e.type === "case.submitted") throw new Error("a case is submitted once, at its creation");
  return e;
};

/**
 * The case command handler (案件命令处理): loads the case under its lock, asks `decide` what
 * happens, evolves the state, builds the outbox and tracking entries, and appends one row at the
 * next position. Undefined when the case is not known here.
 */
export function handleCase(ctx: ExchangeContext, caseId: string, decide: (doc: CaseDoc) => Decision): Promise<Handled | undefined> {
  return ctx.lock.run(caseId, async () => {
    const doc = await loadCase(ctx, caseId);
    if (!doc) return undefined;
    // Every change of a case continues its trace, whoever made it (a clerk, the peer, a window).
    return continueTrace(doc.trace, "case.change", { "case.id": caseId, node: ctx.nodeId }, async () => changeCase(ctx, doc, decide));
  });
}

function changeCase(ctx: ExchangeContext, doc: CaseDoc, decide: (doc: CaseDoc) => Decision): Handled {
  const caseId = doc._id;
  const d = decide(doc);
  if (d === "unchanged" || d === "duplicate") {
    return {
      doc,
      events: [],
      duplicate: d === "duplicate",
      changed: false,
      durable: ctx.caseLog.aheadOf(caseId)?.durable ?? Promise.resolve(),
    };
  }
  const applied = d.applied ?? [];
  const decided = d.decided ?? [];
  const events = [...applied, ...decided];
  // A local case (both sides here) has no peer to tell.
  const outbox =
    doc.role === "local"
      ? []
      : [
          ...decided.map((e, i) => outboxEntry(ctx, caseId, doc.peerNode, toWire(historyEvent(e)), doc.seq + applied.length + i + 1)),
          ...(d.messages ?? []).map((m) => outboxEntry(ctx, caseId, doc.peerNode, m, 0)),
        ];
  // One tracking record per step recorded here, with the state right after it.
  let state = doc.state;
  events.forEach((e, i) => {
    state = evolve(state, e);
    outbox.push(trackingEntry(ctx, doc, e, state, doc.seq + i + 1));
  });
  const now = ctx.now();
  const set: Partial<CaseDoc> = {
    ...d.set,
    state,
    status: state.status,
    seq: doc.seq + events.length,
    dueAt: currentDueAt(state),
    requests: d.request ? [...doc.requests, d.request].slice(-MAX_REMEMBERED_REQUESTS) : doc.requests,
    updatedAt: now,
    rev: doc.rev + 1,
  };
  const next: CaseDoc = { ...doc, ...set };
  const durable = append(ctx, { _id: rowId(caseId, next.rev), caseId, rev: next.rev, at: now, set, outbox }, next, "changed");
  return { doc: next, events, duplicate: false, changed: true, durable };
}

/**
 * Appends a new case (rev 1) with the entries it sends; the caller holds the lock that makes it
 * the only creator (the case id's, or the receipt's). Resolves once durable.
 */
export function createCase(ctx: ExchangeContext, doc: CaseDoc, outbox: OutboxEntry[]): Promise<void> {
  return append(ctx, { _id: rowId(doc._id, 1), caseId: doc._id, rev: 1, at: doc.createdAt, set: doc, outbox }, doc, "created");
}

function append(ctx: ExchangeContext, row: CaseRow, doc: CaseDoc, kind: "created" | "changed"): Promise<void> {
  ctx.assertWriter?.();
  const { done, reply } = ctx.caseLog.append(row, doc);
  ctx.cache.set(doc);
  done.then(
    () => ctx.onChange?.(doc, kind),
    // Never stored: what this process holds of the case is not what the store has.
    () => {
      ctx.cache.delete(doc._id);
      if (kind === "created" && ctx.receipts.get(doc.receiptKey) === doc._id) ctx.receipts.delete(doc.receiptKey);
    },
  );
  return reply;
}
