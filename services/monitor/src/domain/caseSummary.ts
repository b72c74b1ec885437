import type { TrackedProblemRecord, TrackingRecord } from "./trackingRecord";

/** Statuses after which a case is no longer in flight between the cities. */
export const finishedStates: ReadonlySet<string> = new Set(["CLOSED", "RATED", "NOT_ACCEPTED", "WITHDRAWN"]);

/** Where one case stands, folded from every tracking record either node reported for it. */
export interface CaseSummary {
  caseId: string;
  itemCode: string;
  receivingNode: string;
  homeNode: string;
  homeDepartment: string;
  /** State after the latest step (highest position in the case's history). */
  state: string;
  seq: number;
  lastStep: string;
  lastAt?: Date;
  /** Due date and stage of the time limit now running, if one runs. */
  dueAt?: Date;
  dueStage: string;
  /** Accepted at the window (收件). */
  submittedAt?: Date;
  /** When the home node recorded the case as received: it is in the home authority's queue. */
  inHomeQueueAt?: Date;
  /** When the home authority received the case electronically (starts the paper-materials leg). */
  receivedAtHome?: Date;
  materialsSignedAt?: Date;
  finished: boolean;
  /** The applicant's rating (好差评), once given. */
  ratingLevel?: string;
  /** Problems (整改) opened about the case, as the latest step reported them. */
  problems: TrackedProblemRecord[];
  /** The joint application (多地联办) the case is a leg of, and its role there; absent for an ordinary case. */
  jointId?: string;
  legRole?: string;
  /** "approved" or "denied" once decided. */
  decisionOutcome?: string;
  /** The case's scans (电子材料) and the home node's check of them; absent for a paper-only case. */
  scans?: ScansSummary;
  /** Accepted on the verified electronic copies before the paper was signed for (网上预审受理). */
  acceptedOnElectronicCopies?: true;
}

/** The scans a case cites: pending until the home node checked them all, then verified or (any digest not matching) mismatch. */
export interface ScansSummary {
  cited: number;
  checkedAt?: Date;
  verified: number;
  mismatched: number;
  state: "pending" | "verified" | "mismatch";
}

type ScansCheck = Required<Pick<TrackingRecord, "scansCheckedAt" | "scansVerified" | "scansMismatched">>;

function scansOf(cited: number, check: ScansCheck | undefined): ScansSummary | undefined {
  if (cited === 0) return undefined;
  if (!check) return { cited, verified: 0, mismatched: 0, state: "pending" };
  const { scansCheckedAt: checkedAt, scansVerified: verified, scansMismatched: mismatched } = check;
  return { cited, checkedAt, verified, mismatched, state: mismatched > 0 ? "mismatch" : "verified" };
}

const earliest = (a: Date | undefined, b: Date | undefined) => (!a ? b : !b ? a : a.getTime() <= b.getTime() ? a : b);

/**
 * Folds a case's tracking records (in any order, duplicates allowed) into its summary. Both nodes
 * report the same step at the same position; the latest position wins, the home node's report
 * first, since the home node orders the history.
 */
export function summariseCase(records: readonly TrackingRecord[]): CaseSummary | undefined {
  const first = records[0];
  if (!first) return undefined;
  let latest = first;
  let submittedAt: Date | undefined;
  let inHomeQueueAt: Date | undefined;
  let receivedAtHome: Date | undefined;
  let materialsSignedAt: Date | undefined;
  let ratingLevel: string | undefined;
  let decisionOutcome: string | undefined;
  let joint: { jointId: string; legRole: string } | undefined;
  let problems: { seq: number; list: TrackedProblemRecord[] } = { seq: -1, list: [] };
  let scansCited = 0;
  let scansCheck: ScansCheck | undefined;
  let acceptedOnElectronicCopies = false;
  for (const r of records) {
    scansCited = Math.max(scansCited, r.scansCited ?? 0);
    // Scans are checked once (the lifecycle refuses a second check): any record of it will do; the earliest keeps the fold order-free.
    if (r.scansCheckedAt && (!scansCheck || r.scansCheckedAt < scansCheck.scansCheckedAt)) {
      scansCheck = { scansCheckedAt: r.scansCheckedAt, scansVerified: r.scansVerified ?? 0, scansMismatched: r.scansMismatched ?? 0 };
    }
    acceptedOnElectronicCopies ||= r.acceptedOnElectronicCopies === true;
    ratingLevel ??= r.ratingLevel;
    decisionOutcome ??= r.decisionOutcome;
    if (r.jointId) joint ??= { jointId: r.jointId, legRole: r.legRole ?? "" };
    if (r.problems && r.seq > problems.seq) problems = { seq: r.seq, list: r.problems };
    const later = r.seq > latest.seq || (r.seq === latest.seq && r.reportedBy === r.homeNode && latest.reportedBy !== latest.homeNode);
    if (later) latest = r;
    submittedAt = earliest(submittedAt, r.submittedAt);
    materialsSignedAt = earliest(materialsSignedAt, r.materialsSignedAt);
    if (r.step === "case.received") {
      receivedAtHome = earliest(receivedAtHome, r.occurredAt ?? r.recordedAt);
      if (r.reportedBy === r.homeNode) inHomeQueueAt = earliest(inHomeQueueAt, r.recordedAt);
    }
  }
  const scans = scansOf(scansCited, scansCheck);
  return {
    caseId: latest.caseId,
    itemCode: latest.itemCode,
    receivingNode: latest.receivingNode,
    homeNode: latest.homeNode,
    homeDepartment: latest.homeDepartment,
    state: latest.state,
    seq: latest.seq,
    lastStep: latest.step,
    lastAt: latest.occurredAt ?? latest.recordedAt,
    dueAt: latest.dueAt,
    dueStage: latest.dueStage,
    submittedAt,
    inHomeQueueAt,
    receivedAtHome,
    materialsSignedAt,
    finished: finishedStates.has(latest.state),
    ...(ratingLevel ? { ratingLevel } : {}),
    ...(decisionOutcome ? { decisionOutcome } : {}),
    problems: problems.list,
    ...joint,
    ...(scans ? { scans } : {}),
    ...(acceptedOnElectronicCopies ? { acceptedOnElectronicCopies: true as const } : {}),
  };
}
