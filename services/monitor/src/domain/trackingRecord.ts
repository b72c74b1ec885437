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
  /** The rating level once rated (好差评); absent before. */
  ratingLevel?: string;
  /** The case's problems (整改) as of this step. */
  problems?: TrackedProblemRecord[];
  /** Set when the case is one leg of a joint application (多地联办): the application's id. */
  jointId?: string;
  /** This leg's role in the joint application ("out", "in"); set with jointId. */
  legRole?: string;
  /** "approved" or "denied" once the case is decided. */
  decisionOutcome?: string;
  /** How many scans (电子材料) the case cites; absent for a paper-only case. */
  scansCited?: number;
  /** Once the home node checked every cited scan against its digest: when, and how many matched and did not. */
  scansCheckedAt?: Date;
  scansVerified?: number;
  scansMismatched?: number;
  /** On the acceptance step: accepted on the verified electronic copies before the paper was signed for (网上预审受理). */
  acceptedOnElectronicCopies?: true;
}

export interface TrackedProblemRecord {
  problemId: number;
  source: string;
  openedAt?: Date;
  answerDueAt?: Date;
  answeredAt?: Date;
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
    ...(t.ratingLevel ? { ratingLevel: t.ratingLevel } : {}),
    ...(t.jointId ? { jointId: t.jointId, legRole: t.legRole } : {}),
    ...(t.decisionOutcome ? { decisionOutcome: t.decisionOutcome } : {}),
    ...(t.scansCited > 0 ? { scansCited: t.scansCited } : {}),
    ...(t.scansCheckedAt ? { scansCheckedAt: t.scansCheckedAt, scansVerified: t.scansVerified, scansMismatched: t.scansMismatched } : {}),
    ...(t.acceptedOnElectronicCopies ? { acceptedOnElectronicCopies: true as const } : {}),
    ...(t.problems.length > 0
      ? {
          problems: t.problems.map((p) => ({
            problemId: p.problemId,
            source: p.source,
            openedAt: p.openedAt,
            answerDueAt: p.answerDueAt,
            answeredAt: p.answeredAt,
          })),
        }
      : {}),
  };
}
