import { assertNever } from "./assertNever";
import type { CaseState } from "./caseState";

/** Which running time limit a case has passed (超期环节) and when it fell due. */
export interface OverdueDeadline {
  /** correction: 补正告知/受理; decision: 审批; delivery: 送达. */
  readonly stage: "correction" | "decision" | "delivery";
  readonly dueAt: Date;
}

/**
 * The running time limit that `now` is past, or null. Only the limit of the current stage runs:
 * correction while RECEIVED_BY_HOME, decision while ACCEPTED or UNDER_REVIEW (not while SUSPENDED:
 * the clock stops), delivery while DECIDED or RESULT_SENT.
 */
export function isOverdue(state: CaseState, now: Date): OverdueDeadline | null {
  const past = (stage: OverdueDeadline["stage"], dueAt: Date): OverdueDeadline | null =>
    now.getTime() > dueAt.getTime() ? { stage, dueAt } : null;
  switch (state.status) {
    case "RECEIVED_BY_HOME":
      return past("correction", state.due.correctionDueAt);
    case "ACCEPTED":
    case "UNDER_REVIEW":
      return past("decision", state.due.decisionDueAt);
    case "DECIDED":
    case "RESULT_SENT":
      return past("delivery", state.due.deliveryDueAt);
    case "INITIAL":
    case "SUBMITTED":
    case "FORWARDED":
    case "CORRECTION_REQUESTED":
    case "NOT_ACCEPTED":
    case "SUSPENDED":
    case "DELIVERED":
    case "CLOSED":
    case "RATED":
    case "WITHDRAWN":
      return null;
    default:
      return assertNever(state);
  }
}
