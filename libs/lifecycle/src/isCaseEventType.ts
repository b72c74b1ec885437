import type { CaseEventType } from "./caseEvent";
import { caseEventTypes } from "./caseEventTypes";

/** True when `value` names one of the case event types. */
export function isCaseEventType(value: unknown): value is CaseEventType {
  return typeof value === "string" && (caseEventTypes as readonly string[]).includes(value);
}
