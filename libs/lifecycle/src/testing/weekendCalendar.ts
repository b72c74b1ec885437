import type { ClockPause, WorkingCalendar } from "../workingCalendar";

const dayMs = 24 * 60 * 60 * 1000;

/** UTC calendar day number of an instant. */
function dayOf(at: Date): number {
  return Math.floor(at.getTime() / dayMs);
}

function isWeekend(day: number): boolean {
  const weekday = new Date(day * dayMs).getUTCDay();
  return weekday === 0 || weekday === 6;
}

/**
 * Test calendar: Monday to Friday are working days, in UTC, no holidays.
 * A pause from day A to day B stops the count on days A+1 … B; while a pause is open there is no answer.
 */
export const weekendCalendar: WorkingCalendar = {
  addWorkingDays(from, n) {
    return addExcluding(from, n, []) ?? from;
  },
  addWorkingDaysExcluding(from, n, pauses) {
    return addExcluding(from, n, pauses);
  },
};

function addExcluding(from: Date, n: number, pauses: readonly ClockPause[]): Date | undefined {
  if (pauses.some((p) => p.to === undefined)) return undefined;
  const paused = (day: number): boolean => pauses.some((p) => p.to !== undefined && day > dayOf(p.from) && day <= dayOf(p.to));
  let day = dayOf(from);
  let counted = 0;
  while (counted < n) {
    day += 1;
    if (!isWeekend(day) && !paused(day)) counted += 1;
  }
  return new Date(from.getTime() + (day - dayOf(from)) * dayMs);
}
