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
 * A pause from day A to day B (B absent: still running) stops the count on days A+1 … B.
 */
export const weekendCalendar: WorkingCalendar = {
  addWorkingDays(from, n) {
    return weekendCalendar.addWorkingDaysExcluding(from, n, []);
  },
  addWorkingDaysExcluding(from: Date, n: number, pauses: readonly ClockPause[]) {
    const paused = (day: number): boolean =>
      pauses.some((p) => day > dayOf(p.from) && (p.to === undefined || day <= dayOf(p.to)));
    let day = dayOf(from);
    let counted = 0;
    while (counted < n) {
      day += 1;
      if (day - dayOf(from) > 3660) throw new Error("pause never ends / 中止期间未结束");
      if (!isWeekend(day) && !paused(day)) counted += 1;
    }
    return new Date(from.getTime() + (day - dayOf(from)) * dayMs);
  },
};
