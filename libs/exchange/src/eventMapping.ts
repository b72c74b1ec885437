import type { CaseEvent as WireEvent } from "@tongban/contracts";
import {
  type Actor,
  type CaseEvent,
  type CaseStatus,
  type DecisionOutcome,
  type RatingLevel,
  type ProblemSource,
  type ResultChannel,
  type SuspensionKind,
  caseStatuses,
  problemSources,
  ratingLevels,
  suspensionKinds,
} from "@tongban/lifecycle";

/** A wire payload that is not a lifecycle fact (the submission itself, command requests and rejections, certificate re-verifications). */
export type NonLifecycleCase = "submitted" | "commandRequested" | "commandRejected" | "certificatesVerified" | "jointStatusReported";

/** Thrown when a wire event cannot be turned into a domain event (missing or out-of-range fields). */
export class WireEventError extends Error {}

const must = <T>(v: T | undefined | null, what: string): T => {
  if (v === undefined || v === null) throw new WireEventError(`missing ${what}`);
  return v;
};
const oneOf = <T extends string>(v: string, allowed: readonly T[], what: string): T => {
  if (!(allowed as readonly string[]).includes(v)) throw new WireEventError(`bad ${what} '${v}'`);
  return v as T;
};
const opt = (s: string) => (s === "" ? undefined : s);
const positive = (n: number, what: string): number => {
  if (!Number.isInteger(n) || n < 1) throw new WireEventError(`bad ${what} ${n}`);
  return n;
};

function decisionFromWire(d: { outcome: string; documentRef: string; reasons: string[] } | undefined): DecisionOutcome {
  const x = must(d, "decision");
  if (x.outcome === "approved") return { outcome: "approved", documentRef: x.documentRef };
  if (x.outcome === "denied") return { outcome: "denied", documentRef: x.documentRef, reasons: x.reasons };
  throw new WireEventError(`bad decision outcome '${x.outcome}'`);
}

function channelFromWire(c: { kind: string; trackingNo: string } | undefined): ResultChannel {
  const x = must(c, "channel");
  if (x.kind === "mail") return { kind: "mail", trackingNo: x.trackingNo };
  if (x.kind === "electronic") return { kind: "electronic" };
  throw new WireEventError(`bad result channel '${x.kind}'`);
}

/**
 * Domain lifecycle event → wire payload. The submission (`case.submitted`) is built by intake
 * with the application's full content and never re-sent, so it is not mapped here.
 */
export function toWire(e: Exclude<CaseEvent, { type: "case.submitted" }>): WireEvent {
  switch (e.type) {
    case "case.forwarded":
      return { event: { $case: "forwarded", value: { ...e.data } } };
    case "case.received":
      return { event: { $case: "received", value: { ...e.data } } };
    case "case.materials_signed":
      return { event: { $case: "materialsSigned", value: { ...e.data } } };
    case "case.scans_checked":
      return { event: { $case: "scansChecked", value: { ...e.data, mismatchedRefs: [...e.data.mismatchedRefs] } } };
    case "case.accepted":
      return { event: { $case: "accepted", value: { ...e.data, onElectronicCopies: e.data.onElectronicCopies === true } } };
    case "case.refused":
      return { event: { $case: "refused", value: { reasons: [...e.data.reasons], refusedAt: e.data.refusedAt } } };
    case "case.correction_requested":
      return { event: { $case: "correctionRequested", value: { ...e.data, items: [...e.data.items] } } };
    case "case.correction_submitted":
      return { event: { $case: "correctionSubmitted", value: { ...e.data, items: [...e.data.items] } } };
    case "case.review_started":
      return { event: { $case: "reviewStarted", value: { ...e.data } } };
    case "case.suspended":
      return { event: { $case: "suspended", value: { ...e.data, expectedResumeAt: e.data.expectedResumeAt } } };
    case "case.resumed":
      return { event: { $case: "resumed", value: { ...e.data } } };
    case "case.deadline_extended":
      return { event: { $case: "deadlineExtended", value: { ...e.data } } };
    case "case.decided": {
      const d = e.data.decision;
      return {
        event: {
          $case: "decided",
          value: {
            decision: { outcome: d.outcome, documentRef: d.documentRef, reasons: d.outcome === "denied" ? [...d.reasons] : [] },
            decidedAt: e.data.decidedAt,
            deliveryDueAt: e.data.deliveryDueAt,
          },
        },
      };
    }
    case "case.result_sent": {
      const c = e.data.channel;
      return {
        event: {
          $case: "resultSent",
          value: { channel: { kind: c.kind, trackingNo: c.kind === "mail" ? c.trackingNo : "" }, sentAt: e.data.sentAt },
        },
      };
    }
    case "case.delivered":
      return { event: { $case: "delivered", value: { ...e.data } } };
    case "case.closed":
      return { event: { $case: "closed", value: { ...e.data } } };
    case "case.rated":
      return { event: { $case: "rated", value: { level: e.data.level, comment: e.data.comment ?? "", ratedAt: e.data.ratedAt } } };
    case "case.withdrawn":
      return {
        event: {
          $case: "withdrawn",
          value: { reason: e.data.reason ?? "", fromStatus: e.data.fromStatus, withdrawnAt: e.data.withdrawnAt },
        },
      };
    case "case.problem_opened":
      return { event: { $case: "problemOpened", value: { ...e.data } } };
    case "case.problem_answered":
      return { event: { $case: "problemAnswered", value: { ...e.data } } };
    default: {
      const never: never = e;
      throw new Error(`unmapped event ${JSON.stringify(never)}`);
    }
  }
}

type WireCase = NonNullable<WireEvent["event"]>;

/** Wire payload → domain lifecycle event (everything but the submission and command messages). */
export function fromWire(w: Exclude<WireCase, { $case: NonLifecycleCase }>): Exclude<CaseEvent, { type: "case.submitted" }> {
  const at = (d: Date | undefined, what: string) => must(d, what);
  switch (w.$case) {
    case "forwarded":
      return { type: "case.forwarded", data: { trackingNo: w.value.trackingNo, forwardedAt: at(w.value.forwardedAt, "forwardedAt") } };
    case "received":
      return {
        type: "case.received",
        data: { receivedAt: at(w.value.receivedAt, "receivedAt"), correctionDueAt: at(w.value.correctionDueAt, "correctionDueAt") },
      };
    case "materialsSigned":
      return { type: "case.materials_signed", data: { signedAt: at(w.value.signedAt, "signedAt") } };
    case "scansChecked":
      return {
        type: "case.scans_checked",
        data: {
          verified: w.value.verified,
          mismatchedRefs: w.value.mismatchedRefs,
          paperOnly: w.value.paperOnly,
          checkedAt: at(w.value.checkedAt, "checkedAt"),
        },
      };
    case "accepted":
      return {
        type: "case.accepted",
        data: {
          acceptedAt: at(w.value.acceptedAt, "acceptedAt"),
          decisionDueAt: at(w.value.decisionDueAt, "decisionDueAt"),
          ...(w.value.onElectronicCopies ? { onElectronicCopies: true } : {}),
        },
      };
    case "refused":
      return { type: "case.refused", data: { reasons: w.value.reasons, refusedAt: at(w.value.refusedAt, "refusedAt") } };
    case "correctionRequested":
      return {
        type: "case.correction_requested",
        data: { round: w.value.round, items: w.value.items, requestedAt: at(w.value.requestedAt, "requestedAt") },
      };
    case "correctionSubmitted":
      return {
        type: "case.correction_submitted",
        data: {
          round: w.value.round,
          items: w.value.items,
          submittedAt: at(w.value.submittedAt, "submittedAt"),
          correctionDueAt: at(w.value.correctionDueAt, "correctionDueAt"),
        },
      };
    case "reviewStarted":
      return { type: "case.review_started", data: { startedAt: at(w.value.startedAt, "startedAt") } };
    case "suspended":
      return {
        type: "case.suspended",
        data: {
          kind: oneOf<SuspensionKind>(w.value.kind, suspensionKinds, "suspension kind"),
          reason: w.value.reason,
          suspendedAt: at(w.value.suspendedAt, "suspendedAt"),
          ...(w.value.expectedResumeAt ? { expectedResumeAt: w.value.expectedResumeAt } : {}),
        },
      };
    case "resumed":
      return {
        type: "case.resumed",
        data: { resumedAt: at(w.value.resumedAt, "resumedAt"), decisionDueAt: at(w.value.decisionDueAt, "decisionDueAt") },
      };
    case "deadlineExtended":
      return {
        type: "case.deadline_extended",
        data: {
          reason: w.value.reason,
          extendedAt: at(w.value.extendedAt, "extendedAt"),
          decisionDueAt: at(w.value.decisionDueAt, "decisionDueAt"),
        },
      };
    case "decided":
      return {
        type: "case.decided",
        data: {
          decision: decisionFromWire(w.value.decision),
          decidedAt: at(w.value.decidedAt, "decidedAt"),
          deliveryDueAt: at(w.value.deliveryDueAt, "deliveryDueAt"),
        },
      };
    case "resultSent":
      return { type: "case.result_sent", data: { channel: channelFromWire(w.value.channel), sentAt: at(w.value.sentAt, "sentAt") } };
    case "delivered":
      return {
        type: "case.delivered",
        data: {
          recordedBy: oneOf<Actor>(w.value.recordedBy, ["receiving", "home"], "actor"),
          deliveredAt: at(w.value.deliveredAt, "deliveredAt"),
        },
      };
    case "closed":
      return { type: "case.closed", data: { closedAt: at(w.value.closedAt, "closedAt") } };
    case "rated": {
      const comment = opt(w.value.comment);
      return {
        type: "case.rated",
        data: {
          level: oneOf<RatingLevel>(w.value.level, ratingLevels, "rating level"),
          ...(comment ? { comment } : {}),
          ratedAt: at(w.value.ratedAt, "ratedAt"),
        },
      };
    }
    case "problemOpened":
      return {
        type: "case.problem_opened",
        data: {
          problemId: positive(w.value.problemId, "problemId"),
          source: oneOf<ProblemSource>(w.value.source, problemSources, "problem source"),
          reference: w.value.reference,
          description: w.value.description,
          openedAt: at(w.value.openedAt, "openedAt"),
          answerDueAt: at(w.value.answerDueAt, "answerDueAt"),
        },
      };
    case "problemAnswered":
      return {
        type: "case.problem_answered",
        data: {
          problemId: positive(w.value.problemId, "problemId"),
          answer: w.value.answer,
          answeredAt: at(w.value.answeredAt, "answeredAt"),
        },
      };
    case "withdrawn": {
      const reason = opt(w.value.reason);
      return {
        type: "case.withdrawn",
        data: {
          ...(reason ? { reason } : {}),
          fromStatus: oneOf<CaseStatus>(w.value.fromStatus, caseStatuses, "status"),
          withdrawnAt: at(w.value.withdrawnAt, "withdrawnAt"),
        },
      };
    }
    default: {
      const never: never = w;
      throw new WireEventError(`unmapped wire event ${JSON.stringify(never)}`);
    }
  }
}
