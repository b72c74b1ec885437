import { Binary } from "mongodb";
import { type CaseEvent as WireEvent, type EventEnvelope, SCHEMA_VERSION, encodeEnvelope, eventTypeOf, topics } from "@tongban/contracts";
import { type CaseEvent, type CaseState, evolve, isOverdue } from "@tongban/lifecycle";
import type { OutboxEntry } from "@tongban/store";
import { type CaseDoc, type HandledRequest, MAX_REMEMBERED_REQUESTS } from "./caseDoc";
import { toWire } from "./eventMapping";
import { checkEnvelopeSize } from "./envelopeLimit";
import { type ExchangeContext, loadCase } from "./exchangeContext";
import { trackingEntry } from "./tracking";

const FAR_FUTURE = new Date(8.64e15);

/** The due date of the stage the case is in, or null when no clock runs. */
export const currentDueAt = (state: CaseState): Date | null => isOverdue(state, FAR_FUTURE)?.dueAt ?? null;

/** Outbox entry carrying one wire payload to `target`'s inbound topic; throws EnvelopeTooLarge if it could never be published. */
export function outboxEntry(ctx: ExchangeContext, caseId: string, target: string, payload: WireEvent, caseSeq: number): OutboxEntry {
  const env: EventEnvelope = {
    eventId: ctx.ids(),
    caseId,
    type: eventTypeOf(payload),
    sourceNode: ctx.nodeId,
    targetNode: target,
    occurredAt: ctx.now(),
    schemaVersion: SCHEMA_VERSION,
    trace: undefined,
    caseSeq,
    signature: Buffer.alloc(0),
    keyId: "",
    payload,
  };
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

/** What one command or inbound event does to a case. */
export interface CaseChange {
  state: CaseState;
  /** Lifecycle events this node decided, appended to the history and sent to the peer. */
  decided?: Exclude<CaseEvent, { type: "case.submitted" }>[];
  /** Lifecycle events received from the peer, appended to the history here (before `decided`). */
  applied?: CaseEvent[];
  /** Messages to the peer outside the history (command requests and rejections). */
  messages?: WireEvent[];
  request?: HandledRequest;
  set?: Partial<
    Pick<CaseDoc, "lastRejection" | "claimedBy" | "claimUntil" | "certificateChecks" | "certificatesPending" | "certificateAlerts">
  >;
}

export type Mutation = (doc: CaseDoc) => CaseChange | "unchanged";

/** Thrown when the document kept changing under us; callers treat it as transient. */
export class WriteConflict extends Error {}

/**
 * Loads a case, lets `mutate` decide what changes, and writes it back with its outbox entries in
 * one conditional single-document update (optimistic concurrency on `rev`); retries on conflict.
 * Returns the document as written, or as found when nothing changed; undefined if absent.
 */
export function updateCase(ctx: ExchangeContext, caseId: string, mutate: Mutation): Promise<CaseDoc | undefined> {
  return ctx.lock.run(caseId, () => writeCase(ctx, caseId, mutate));
}

async function writeCase(ctx: ExchangeContext, caseId: string, mutate: Mutation): Promise<CaseDoc | undefined> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const doc = await loadCase(ctx, caseId);
    if (!doc) return undefined;
    const change = mutate(doc);
    if (change === "unchanged") return doc;

    const decided = change.decided ?? [];
    const applied = change.applied ?? [];
    const entries = [
      ...decided.map((e, i) => outboxEntry(ctx, caseId, doc.peerNode, toWire(e), doc.seq + applied.length + i + 1)),
      ...(change.messages ?? []).map((m) => outboxEntry(ctx, caseId, doc.peerNode, m, 0)),
    ];
    // One tracking record per step recorded here, with the state right after it.
    let stepState = doc.state;
    [...applied, ...decided].forEach((e, i) => {
      stepState = evolve(stepState, e);
      entries.push(trackingEntry(ctx, doc, e, stepState, doc.seq + i + 1));
    });
    const seq = doc.seq + applied.length + decided.length;
    const requests = change.request ? [...doc.requests, change.request].slice(-MAX_REMEMBERED_REQUESTS) : doc.requests;
    const now = ctx.now();
    const set = {
      ...change.set,
      state: change.state,
      status: change.state.status,
      seq,
      dueAt: currentDueAt(change.state),
      requests,
      updatedAt: now,
      rev: doc.rev + 1,
    };
    // Entries the relay already published are dropped in this same write.
    const sent = ctx.takeSent?.(caseId);
    const outbox = [...(sent ? doc.outbox.filter((e) => !sent.has(e.eventId)) : doc.outbox), ...entries];
    const write = { ...set, outbox, outboxPending: outbox.length > 0 };
    // Within this process the case lock orders writers; on MongoDB `rev` also guards against
    // another process. FerretDB v1 cannot honour it atomically and would scan for it.
    ctx.assertWriter?.();
    const r = await ctx.cases.updateOne(ctx.atomicUpdates ? { _id: caseId, rev: doc.rev } : { _id: caseId }, { $set: write });
    if (r.matchedCount === 1) {
      const written: CaseDoc = { ...doc, ...write };
      ctx.cache.set(written);
      if (entries.length > 0) ctx.onOutbox(caseId);
      ctx.onChange?.(written, "changed");
      return written;
    }
    // Another process wrote it (possible on MongoDB only): forget our copy and read again.
    ctx.cache.delete(caseId);
  }
  throw new WriteConflict(`case ${caseId} kept changing; giving up after 20 attempts`);
}
