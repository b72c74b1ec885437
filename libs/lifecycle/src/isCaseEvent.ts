import type { CaseEvent } from "./caseEvent";
import { isCaseEventType } from "./isCaseEventType";

/**
 * Type guard for values read from a stream or a topic: an object with a known case event
 * `type` and an object `data`. The shape of `data` is the writer's contract and is not re-checked.
 */
export function isCaseEvent(value: unknown): value is CaseEvent {
  if (typeof value !== "object" || value === null) return false;
  const { type, data } = value as { type?: unknown; data?: unknown };
  return isCaseEventType(type) && typeof data === "object" && data !== null;
}
