import type { CaseEventType } from "./caseEvent";

/** Every event type (事件类型), in flow order. */
export const caseEventTypes = [
  "case.submitted",
  "case.forwarded",
  "case.received",
  "case.materials_signed",
  "case.scans_checked",
  "case.accepted",
  "case.refused",
  "case.correction_requested",
  "case.correction_submitted",
  "case.review_started",
  "case.suspended",
  "case.resumed",
  "case.deadline_extended",
  "case.decided",
  "case.result_sent",
  "case.delivered",
  "case.closed",
  "case.rated",
  "case.withdrawn",
  "case.problem_opened",
  "case.problem_answered",
] as const satisfies readonly CaseEventType[];

/** Fails to compile when an event type is missing from the list above. */
type UnlistedEventType = Exclude<CaseEventType, (typeof caseEventTypes)[number]>;
const everyEventTypeListed: [UnlistedEventType] extends [never] ? true : UnlistedEventType = true;
void everyEventTypeListed;
