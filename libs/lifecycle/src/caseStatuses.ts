/**
 * Every status a case can be in (办件状态), in flow order.
 * `INITIAL` is the empty stream before the window registers the case.
 * The state machine is documented in `transitions.ts`.
 */
export const caseStatuses = [
  "INITIAL",
  "SUBMITTED",
  "FORWARDED",
  "RECEIVED_BY_HOME",
  "CORRECTION_REQUESTED",
  "ACCEPTED",
  "NOT_ACCEPTED",
  "UNDER_REVIEW",
  "SUSPENDED",
  "DECIDED",
  "RESULT_SENT",
  "DELIVERED",
  "CLOSED",
  "RATED",
  "WITHDRAWN",
] as const;

export type CaseStatus = (typeof caseStatuses)[number];
