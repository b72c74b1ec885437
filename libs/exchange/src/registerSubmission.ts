import { Applicant, type CaseSubmitted } from "@tongban/contracts";
import { type CaseEvent, type CaseState, decide, evolve, initialState } from "@tongban/lifecycle";
import type { CaseDoc } from "./caseDoc";
import { createCase, outboxEntry } from "./caseHandler";
import { isPendingCheck } from "./certificateChecks";
import { toWire } from "./eventMapping";
import { type ExchangeContext, decideContext, loadCase } from "./exchangeContext";
import { newCaseDoc } from "./newCaseDoc";
import { trackingEntry } from "./tracking";

export type RegisterOutcome = { created: true; doc: CaseDoc } | { created: false; existing: CaseDoc };

/**
 * Receiving side: registers a case received and formally checked at this node's window
 * (收件, identity verified) and forwarded with its mailed materials (转递). The document, the
 * submission event (with the application) and the forwarding event are the case's first row. A
 * retried submission (same receipt number) gets the existing case.
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
      ...(s.joint ? { jointLeg: true } : {}),
    },
  });
  run({ type: "MarkForwarded", actor: "receiving", data: { trackingNo: s.mailTrackingNo } });
  // A leg homed in this very city (多地联办): this node is its home too, and its authority's
  // system has it at once (已接收); nothing travels to a peer.
  const local = s.homeNode === ctx.nodeId;
  if (local) run({ type: "ReceiveCase", actor: "home", data: {} });

  const forwarded = events.slice(1);
  const now = ctx.now();
  const doc: CaseDoc = {
    ...newCaseDoc(input.caseId, local ? "local" : "receiving", s, state, events.length, now),
    requestHash: input.requestHash,
    certificatesPending: s.certificateChecks.some(isPendingCheck),
  };
  const outbox = local
    ? []
    : [
        outboxEntry(ctx, input.caseId, s.homeNode, { event: { $case: "submitted", value: sealedForHome(ctx, input.caseId, s) } }, 1),
        ...forwarded.map((e, i) =>
          outboxEntry(ctx, input.caseId, s.homeNode, toWire(e as Exclude<CaseEvent, { type: "case.submitted" }>), i + 2),
        ),
      ];
  let stepState: CaseState = initialState;
  events.forEach((e, i) => {
    stepState = evolve(stepState, e);
    outbox.push(trackingEntry(ctx, doc, e, stepState, i + 1));
  });
  // One creator per receipt: a retry waits here for the first call and then finds its case.
  return ctx.lock.run(`receipt:${doc.receiptKey}`, async (): Promise<RegisterOutcome> => {
    const knownId = ctx.receipts.get(doc.receiptKey);
    if (knownId) {
      const existing = await loadCase(ctx, knownId);
      if (existing) {
        await ctx.caseLog.aheadOf(knownId)?.durable;
        return { created: false, existing };
      }
    }
    // Kept if only the reply fails (a store outage): the row is still written once the store is
    // back, and a retry then finds this case.
    ctx.receipts.set(doc.receiptKey, doc._id);
    await createCase(ctx, doc, outbox);
    return { created: true, doc };
  });
}

/**
 * The submission as it travels: the applicant block (name, id number, phone, address) only sealed
 * for the home node, bound to the case id; the window's own copy keeps it in clear.
 */
function sealedForHome(ctx: ExchangeContext, caseId: string, s: CaseSubmitted): CaseSubmitted {
  const plain = Applicant.encode(s.applicant ?? Applicant.fromPartial({})).finish();
  return { ...s, applicant: undefined, sealedApplicant: ctx.sealing.sealFor(s.homeNode, plain, caseId) };
}
