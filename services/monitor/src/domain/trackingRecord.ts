import type { TrackingEvent } from "@tongban/contracts";

/**
 * One tracking event as the monitor stores it: exactly the fields of TrackingEvent (metadata
 * only, never personal data), keyed by its tracking id so a redelivered event is stored once.
 */
export interface TrackingRecord {
  _id: string;
  caseId: string;
  itemCode: string;
  receivingNode: string;
  homeNode: string;
  homeDepartment: string;
  step: string;
  state: string;
  seq: number;
  occurredAt?: Date;
  reportedBy: string;
  recordedAt: Date;
  dueAt?: Date;
  dueStage: string;
  submittedAt?: Date;
  materialsSignedAt?: Date;
}

/** The stored form of a decoded tracking event; undefined when it lacks its ids. */
export function toTrackingRecord(t: TrackingEvent): TrackingRecord | undefined {
  if (!t.trackingId || !t.caseId || !t.reportedBy) return undefined;
  return {
    _id: t.trackingId,
    caseId: t.caseId,
    itemCode: t.itemCode,
    receivingNode: t.receivingNode,
    homeNode: t.homeNode,
    homeDepartment: t.homeDepartment,
    step: t.step,
    state: t.state,
    seq: t.seq,
    occurredAt: t.occurredAt,
    reportedBy: t.reportedBy,
    recordedAt: t.recordedAt ?? new Date(0),
    dueAt: t.dueAt,
    dueStage: t.dueStage,
    submittedAt: t.submittedAt,
    materialsSignedAt: t.materialsSignedAt,
  };
}
