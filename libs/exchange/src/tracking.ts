import { Binary } from "mongodb";
import { type TrackingEvent, encodeTracking, signMessage, topics } from "@tongban/contracts";
import { type CaseEvent, type CaseState, isOverdue } from "@tongban/lifecycle";
import type { OutboxEntry } from "@tongban/store";
import { checkEnvelopeSize } from "./envelopeLimit";
import type { ExchangeContext } from "./exchangeContext";

const FAR_FUTURE = new Date(8.64e15);

/** When a step happened: its `…At` field (not a due date). */
export function occurredAtOf(e: CaseEvent): Date | undefined {
  for (const [k, v] of Object.entries(e.data)) if (v instanceof Date && k.endsWith("At") && !k.endsWith("DueAt")) return v;
  return undefined;
}

export interface TrackedCase {
  _id: string;
  itemCode: string;
  receivingNode: string;
  homeNode: string;
  homeDepartment: string;
  submission?: { joint?: { jointId: string; legRole: string } | undefined; materials?: readonly { file?: unknown }[] };
}

/**
 * Outbox entry of the metadata-only tracking record for one step this node recorded, signed by
 * this node (the monitor checks it like a node checks an envelope). Built from
 * the case's routing fields and lifecycle state only: the application (personal data) is never read.
 */
export function trackingEntry(ctx: ExchangeContext, c: TrackedCase, event: CaseEvent, state: CaseState, seq: number): OutboxEntry {
  const due = isOverdue(state, FAR_FUTURE);
  const file = state.status === "INITIAL" ? undefined : state;
  const unsigned: TrackingEvent = {
    trackingId: ctx.ids(),
    caseId: c._id,
    itemCode: c.itemCode,
    receivingNode: c.receivingNode,
    homeNode: c.homeNode,
    homeDepartment: c.homeDepartment,
    step: event.type,
    state: state.status,
    seq,
    occurredAt: occurredAtOf(event),
    reportedBy: ctx.nodeId,
    recordedAt: ctx.now(),
    dueAt: due?.dueAt,
    dueStage: due?.stage ?? "",
    submittedAt: file?.timeline.submittedAt,
    materialsSignedAt: file?.materialsSignedAt,
    signature: Buffer.alloc(0),
    keyId: "",
    ratingLevel: file?.rating?.level ?? "",
    jointId: c.submission?.joint?.jointId ?? "",
    legRole: c.submission?.joint?.legRole ?? "",
    decisionOutcome: file?.decision?.outcome ?? "",
    scansCited: c.submission?.materials?.filter((m) => m.file).length ?? 0,
    scansCheckedAt: file?.scans?.checkedAt,
    scansVerified: file?.scans?.verified ?? 0,
    scansMismatched: file?.scans?.mismatchedRefs.length ?? 0,
    acceptedOnElectronicCopies: event.type === "case.accepted" && event.data.onElectronicCopies === true,
    problems: (file?.problems ?? []).map((p) => ({
      problemId: p.problemId,
      source: p.source,
      openedAt: p.openedAt,
      answerDueAt: p.answerDueAt,
      answeredAt: p.answeredAt,
    })),
  };
  const t = signMessage(unsigned, encodeTracking, ctx.signer);
  return checkEnvelopeSize(
    {
      eventId: t.trackingId,
      topic: topics.tracking(ctx.topicPrefix),
      key: c._id,
      value: new Binary(encodeTracking(t)),
      headers: { "event-type": "tracking", step: event.type, "source-node": ctx.nodeId },
    },
    ctx.maxEnvelopeBytes,
  );
}
