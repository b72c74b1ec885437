import type { Suspension } from "./caseState";
import type { DecideContext } from "./decideContext";

/**
 * The decision due date (审批期限): `decisionDays` working days after acceptance, plus `extensionDays`
 * when extended, not counting the working days inside `suspensions` (all of them ended).
 */
export function computeDecisionDueAt(
  acceptedAt: Date,
  suspensions: readonly Suspension[],
  extended: boolean,
  ctx: Pick<DecideContext, "calendar" | "timeLimits">,
): Date {
  const days = ctx.timeLimits.decisionDays + (extended ? ctx.timeLimits.extensionDays : 0);
  const dueAt = ctx.calendar.addWorkingDaysExcluding(acceptedAt, days, suspensions);
  if (dueAt === undefined) {
    throw new Error("中止期间尚未结束，无法计算审批期限 / cannot compute the decision due date while a suspension is open");
  }
  return dueAt;
}
