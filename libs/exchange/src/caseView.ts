import type { CaseView, JointCaseView, QueueItem } from "@tongban/contracts";
import { type CaseFile, isOverdue, stateLabels, suspensionKindLabels } from "@tongban/lifecycle";
import type { CaseDoc } from "./caseDoc";
import { checksOf, isPendingCheck } from "./certificateChecks";
import { jointStateLabelled, plannedLegView, startedLegView } from "./jointView";

/** The node's view of a case, without personal data; `forwarded` says whether all it sent is out. */
export function caseView(doc: CaseDoc, now: Date, forwarded = true): CaseView {
  const s = doc.state;
  const file = s.status === "INITIAL" ? undefined : s;
  const label = stateLabels[s.status];
  const decision = file && "decision" in file ? (file.decision as { outcome: string; documentRef: string } | undefined) : undefined;
  const rating = file && "rating" in file ? (file.rating as { level: string } | undefined) : undefined;
  return {
    caseId: doc._id,
    receiptNo: doc.receiptNo,
    itemCode: doc.itemCode,
    receivingNode: doc.receivingNode,
    homeNode: doc.homeNode,
    homeDepartment: doc.homeDepartment,
    state: s.status,
    stateZh: label.zh,
    stateEn: label.en,
    seq: doc.seq,
    dueAt: doc.dueAt ?? undefined,
    overdueStage: isOverdue(s, now)?.stage ?? "",
    mailTrackingNo: file?.mailTrackingNo ?? doc.submission.mailTrackingNo,
    materialsSignedAt: file?.materialsSignedAt,
    submittedAt: file?.timeline.submittedAt,
    updatedAt: doc.updatedAt,
    forwarded,
    lastRejection: doc.lastRejection ?? "",
    claimedBy: doc.claimedBy ?? "",
    claimUntil: doc.claimUntil ?? undefined,
    decision: decision?.outcome ?? "",
    decisionRef: decision?.documentRef ?? "",
    rating: rating?.level ?? "",
    certificateAlerts: doc.certificateAlerts ?? [],
    certificatesUnverified: checksOf(doc).filter(isPendingCheck).length,
    ...toldToApplicant(file),
    joint: withOwnLeg(doc, doc.jointReport?.joint ?? startingJointView(doc), now),
    legRole: doc.submission.joint?.legRole ?? "",
    scansCheckedAt: file?.scans?.checkedAt,
    scansVerified: file?.scans?.verified ?? 0,
    scansMismatchedRefs: [...(file?.scans?.mismatchedRefs ?? [])],
    acceptedOnElectronicCopies: acceptedOnElectronicCopies(file),
  };
}

/** Accepted before the paper was signed for: only on verified scans (网上预审受理). */
function acceptedOnElectronicCopies(file: CaseFile | undefined): boolean {
  const accepted = file?.timeline.acceptedAt;
  const signed = file?.materialsSignedAt;
  return accepted !== undefined && (signed === undefined || signed.getTime() > accepted.getTime());
}

/** What the window tells the applicant (一次性告知): corrections, reasons, suspensions, extension, result. */
function toldToApplicant(file: CaseFile | undefined) {
  const decision = file?.decision;
  const result = file?.result;
  return {
    corrections: (file?.corrections ?? []).map((c) => ({
      round: c.round,
      items: [...c.items],
      requestedAt: c.requestedAt,
      submittedAt: c.submittedAt,
      submittedItems: [...(c.submittedItems ?? [])],
    })),
    refusalReasons: [...(file?.refusal?.reasons ?? [])],
    denialReasons: decision?.outcome === "denied" ? [...decision.reasons] : [],
    suspensions: (file?.suspensions ?? []).map((x) => ({
      kind: x.kind,
      kindZh: suspensionKindLabels[x.kind].zh,
      kindEn: suspensionKindLabels[x.kind].en,
      reason: x.reason,
      suspendedAt: x.from,
      resumedAt: x.to,
      expectedResumeAt: x.expectedResumeAt,
    })),
    extensionReason: file?.extension?.reason ?? "",
    extendedAt: file?.extension?.grantedAt,
    resultChannel: result?.kind ?? "",
    resultTrackingNo: result?.kind === "mail" ? result.trackingNo : "",
    resultSentAt: file?.timeline.resultSentAt,
    withdrawalReason: file?.withdrawal?.reason ?? "",
    problems: (file?.problems ?? []).map((p) => ({
      problemId: p.problemId,
      source: p.source,
      reference: p.reference,
      description: p.description,
      openedAt: p.openedAt,
      answerDueAt: p.answerDueAt,
      answer: p.answer ?? "",
      answeredAt: p.answeredAt,
    })),
  };
}

/** A queue item for the home authority: the view plus what it needs from the application. */
export function queueItem(doc: CaseDoc, now: Date): QueueItem {
  const s = doc.submission;
  return {
    case: caseView(doc, now),
    applicantName: s.applicant?.name ?? "",
    applicantIdNumber: s.applicant?.idNumber ?? "",
    applicantPhone: s.applicant?.phone ?? "",
    materials: s.materials,
    certificates: s.certificates,
    receivingDivision: s.receivingDivision,
    windowClerk: s.windowClerk,
    certificateChecks: checksOf(doc),
  };
}

/**
 * A leg's view of its joint application before the first report: the legs as the receiving node
 * started this one, the prerequisites with their decisions, the rest waiting.
 */
function startingJointView(doc: CaseDoc): JointCaseView | undefined {
  const j = doc.submission.joint;
  if (!j) return undefined;
  const decided = new Map(j.prerequisites.map((p) => [p.role, p]));
  return {
    jointId: j.jointId,
    receiptNo: doc.receiptNo,
    itemCode: doc.itemCode,
    receivingNode: doc.receivingNode,
    ...jointStateLabelled("IN_PROGRESS"),
    reasons: [],
    endedByLeg: "",
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
    // This case's own leg is filled in by withOwnLeg.
    legs: j.legs.map((l) => {
      const p = decided.get(l.role);
      const planned = plannedLegView(l, doc.itemCode, p ? "DECIDED" : l.waitsFor.includes(j.legRole) ? "WAITING" : "");
      return p ? { ...planned, decision: p.outcome, decisionRef: p.documentRef, decidedAt: p.decidedAt } : planned;
    }),
  };
}

/** The application as reported, with this case's own leg as this node has it now (it may be ahead of the report). */
function withOwnLeg(doc: CaseDoc, joint: JointCaseView | undefined, now: Date): JointCaseView | undefined {
  const role = doc.submission.joint?.legRole;
  if (!joint || !role) return joint;
  return { ...joint, legs: joint.legs.map((l) => (l.role === role ? startedLegView(l, doc.itemCode, doc, now) : l)) };
}
