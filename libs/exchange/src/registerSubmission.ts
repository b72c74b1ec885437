import type { CaseSubmitted } from "@tongban/contracts";
import { type CaseEvent, type CaseState, decide, evolve, initialState } from "@tongban/lifecycle";
import { isDuplicateKey } from "@tongban/store";
import type { CaseDoc } from "./caseDoc";
import { outboxEntry } from "./caseWriter";
import { isPendingCheck } from "./certificateChecks";
import { toWire } from "./eventMapping";
import { type ExchangeContext, decideContext } from "./exchangeContext";
import { newCaseDoc } from "./newCaseDoc";
import { trackingEntry } from "./tracking";

export type RegisterOutcome = { created: true; doc: CaseDoc } | { created: false; existing: CaseDoc };

/**
 * Receiving side: registers a case received and formally checked at this node's window
 * (收件, identity verified) and forwarded with its mailed materials (转递). The document, the
 * submission event (with the application) and the forwarding event are one single-document insert.
 * The unique receipt key turns a retried submission into the existing case.
 */
export async function registerSubmission(
  ctx: ExchangeContext,
  input: { caseId: string; submission: CaseSubmitted; identityVerified: boolean; requestHash: string },
): Promise<RegisterOutcome> {
  const s = input.submission;
  const dctx = decideContext(ctx, s.itemCode);
  let state: CaseState = initialState;
  const events: CaseEvent[] = [];
  const run = (cmd: Parameters<typeof decide>[0]) => {
    for (const e of decide(cmd, state, dctx)) {
      state = evolve(state, e);
      events.push(e);
    }
  };
  run({
    type: "SubmitCase",
    actor: "receiving",
    data: {
      caseId: input.caseId,
      receiptNo: s.receiptNo,
      itemCode: s.itemCode,
      receivingNode: s.receivingNode,
      homeNode: s.homeNode,
      homeDepartment: s.homeDepartment,
      identityVerified: input.identityVerified,
    },
  });
  run({ type: "MarkForwarded", actor: "receiving", data: { trackingNo: s.mailTrackingNo } });

  const forwarded = events.slice(1) as Exclude<CaseEvent, { type: "case.submitted" }>[];
  const now = ctx.now();
  const doc: CaseDoc = {
    ...newCaseDoc(input.caseId, "receiving", s, state, events.length, now),
    requestHash: input.requestHash,
    certificatesPending: s.certificateChecks.some(isPendingCheck),
    outbox: [
      outboxEntry(ctx, input.caseId, s.homeNode, { event: { $case: "submitted", value: s } }, 1),
      ...forwarded.map((e, i) => outboxEntry(ctx, input.caseId, s.homeNode, toWire(e), i + 2)),
    ],
    outboxPending: true,
  };
  let stepState: CaseState = initialState;
  events.forEach((e, i) => {
    stepState = evolve(stepState, e);
    doc.outbox.push(trackingEntry(ctx, doc, e, stepState, i + 1));
  });
  try {
    ctx.assertWriter?.();
    await ctx.cases.insertOne(doc);
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const knownId = ctx.receipts.get(doc.receiptKey);
    // The receipt index misses only a document whose insert reply was lost: then look it up by field (rare).
    const existing = knownId ? await ctx.cases.findOne({ _id: knownId }) : await ctx.cases.findOne({ receiptKey: doc.receiptKey });
    if (!existing) throw err;
    ctx.receipts.set(existing.receiptKey, existing._id);
    // A retry after an insert whose reply was lost (store gone mid-answer): the first call never
    // announced the document to the relay, so this one does, or it would wait for the next sweep.
    if (existing.outboxPending) ctx.onOutbox(existing._id);
    return { created: false, existing };
  }
  ctx.cache.set(doc);
  ctx.receipts.set(doc.receiptKey, doc._id);
  ctx.onOutbox(doc._id);
  ctx.onChange?.(doc, "created");
  return { created: true, doc };
}
