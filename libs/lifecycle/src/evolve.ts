import { assertNever } from "./assertNever";
import type { CaseEvent } from "./caseEvent";
import type { CaseState, CorrectionRound } from "./caseState";
import { closeOpenSuspension } from "./closeOpenSuspension";
import { isInStatus } from "./isInStatus";
import { transitions } from "./transitions";

/** The correction rounds with the last one answered. */
function answerLastRound(rounds: readonly CorrectionRound[], items: readonly string[], submittedAt: Date): CorrectionRound[] {
  return rounds.map((r, i) => (i === rounds.length - 1 ? { ...r, submittedAt, submittedItems: items } : r));
}

/**
 * Applies one event to the state (演化). Uses only the event's data, never a clock or calendar.
 * An event that does not fit the current status (which `decide` never produces) leaves the state unchanged.
 */
export function evolve(state: CaseState, event: CaseEvent): CaseState {
  switch (event.type) {
    case "case.submitted": {
      if (state.status !== "INITIAL") return state;
      const { submittedAt, ...registration } = event.data;
      return {
        ...registration,
        status: "SUBMITTED",
        timeline: { submittedAt },
        due: {},
        corrections: [],
        suspensions: [],
      };
    }
    case "case.forwarded":
      if (state.status !== "SUBMITTED") return state;
      return {
        ...state,
        status: "FORWARDED",
        mailTrackingNo: event.data.trackingNo,
        timeline: { ...state.timeline, forwardedAt: event.data.forwardedAt },
      };
    case "case.received":
      if (state.status !== "FORWARDED") return state;
      return {
        ...state,
        status: "RECEIVED_BY_HOME",
        timeline: { ...state.timeline, receivedAt: event.data.receivedAt },
        due: { ...state.due, correctionDueAt: event.data.correctionDueAt },
      };
    case "case.materials_signed":
      if (!isInStatus(state, transitions.SignForMaterials.from) || state.materialsSignedAt !== undefined) return state;
      return { ...state, materialsSignedAt: event.data.signedAt };
    case "case.scans_checked": {
      if (!isInStatus(state, transitions.RecordScansChecked.from) || state.scans !== undefined) return state;
      const { checkedAt, verified, mismatchedRefs, paperOnly } = event.data;
      return { ...state, scans: { checkedAt, verified, mismatchedRefs, paperOnly } };
    }
    case "case.accepted":
      if (state.status !== "RECEIVED_BY_HOME") return state;
      return {
        ...state,
        status: "ACCEPTED",
        timeline: { ...state.timeline, acceptedAt: event.data.acceptedAt },
        due: { ...state.due, decisionDueAt: event.data.decisionDueAt },
      };
    case "case.refused":
      if (!isInStatus(state, transitions.Refuse.from)) return state;
      return {
        ...state,
        status: "NOT_ACCEPTED",
        refusal: { reasons: event.data.reasons },
        timeline: { ...state.timeline, refusedAt: event.data.refusedAt },
      };
    case "case.correction_requested":
      if (state.status !== "RECEIVED_BY_HOME") return state;
      return {
        ...state,
        status: "CORRECTION_REQUESTED",
        corrections: [...state.corrections, { round: event.data.round, items: event.data.items, requestedAt: event.data.requestedAt }],
      };
    case "case.correction_submitted":
      if (state.status !== "CORRECTION_REQUESTED") return state;
      return {
        ...state,
        status: "RECEIVED_BY_HOME",
        corrections: answerLastRound(state.corrections, event.data.items, event.data.submittedAt),
        due: { ...state.due, correctionDueAt: event.data.correctionDueAt },
      };
    case "case.review_started":
      if (state.status !== "ACCEPTED") return state;
      return {
        ...state,
        status: "UNDER_REVIEW",
        timeline: { ...state.timeline, reviewStartedAt: event.data.startedAt },
      };
    case "case.suspended":
      if (state.status !== "UNDER_REVIEW") return state;
      return {
        ...state,
        status: "SUSPENDED",
        suspensions: [
          ...state.suspensions,
          {
            kind: event.data.kind,
            reason: event.data.reason,
            from: event.data.suspendedAt,
            ...(event.data.expectedResumeAt ? { expectedResumeAt: event.data.expectedResumeAt } : {}),
          },
        ],
      };
    case "case.resumed":
      if (state.status !== "SUSPENDED") return state;
      return {
        ...state,
        status: "UNDER_REVIEW",
        suspensions: closeOpenSuspension(state.suspensions, event.data.resumedAt),
        due: { ...state.due, decisionDueAt: event.data.decisionDueAt },
      };
    case "case.deadline_extended":
      if (!isInStatus(state, transitions.ExtendDeadline.from)) return state;
      return {
        ...state,
        extension: { reason: event.data.reason, grantedAt: event.data.extendedAt },
        due: { ...state.due, decisionDueAt: event.data.decisionDueAt },
      };
    case "case.decided":
      if (state.status !== "UNDER_REVIEW") return state;
      return {
        ...state,
        status: "DECIDED",
        decision: event.data.decision,
        timeline: { ...state.timeline, decidedAt: event.data.decidedAt },
        due: { ...state.due, deliveryDueAt: event.data.deliveryDueAt },
      };
    case "case.result_sent":
      if (state.status !== "DECIDED") return state;
      return {
        ...state,
        status: "RESULT_SENT",
        result: event.data.channel,
        timeline: { ...state.timeline, resultSentAt: event.data.sentAt },
      };
    case "case.delivered":
      if (state.status !== "RESULT_SENT") return state;
      return {
        ...state,
        status: "DELIVERED",
        delivery: { recordedBy: event.data.recordedBy },
        timeline: { ...state.timeline, deliveredAt: event.data.deliveredAt },
      };
    case "case.closed":
      if (state.status !== "DELIVERED") return state;
      return { ...state, status: "CLOSED", timeline: { ...state.timeline, closedAt: event.data.closedAt } };
    case "case.rated": {
      const { ratedAt, ...rating } = event.data;
      if (state.status === "CLOSED") return { ...state, status: "RATED", rating, timeline: { ...state.timeline, ratedAt } };
      // A refused or withdrawn case keeps its status; its rating is feedback.
      if (state.status === "NOT_ACCEPTED" && !state.rating) return { ...state, rating, timeline: { ...state.timeline, ratedAt } };
      if (state.status === "WITHDRAWN" && !state.rating) return { ...state, rating, timeline: { ...state.timeline, ratedAt } };
      return state;
    }
    case "case.problem_opened": {
      if (state.status === "INITIAL" || state.problems?.some((p) => p.problemId === event.data.problemId)) return state;
      return { ...state, problems: [...(state.problems ?? []), { ...event.data }] };
    }
    case "case.problem_answered": {
      if (state.status === "INITIAL") return state;
      const { problemId, answer, answeredAt } = event.data;
      return {
        ...state,
        problems: (state.problems ?? []).map((p) => (p.problemId === problemId && !p.answeredAt ? { ...p, answer, answeredAt } : p)),
      };
    }
    case "case.withdrawn": {
      if (!isInStatus(state, transitions.Withdraw.from)) return state;
      const { withdrawnAt, ...withdrawal } = event.data;
      return { ...state, status: "WITHDRAWN", withdrawal, timeline: { ...state.timeline, withdrawnAt } };
    }
    default:
      return assertNever(event);
  }
}
