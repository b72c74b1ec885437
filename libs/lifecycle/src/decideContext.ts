import type { TimeLimits } from "./timeLimits";
import type { WorkingCalendar } from "./workingCalendar";

/** Everything `decide` needs from outside the case: the clock, the calendar and the time limits. */
export interface DecideContext {
  readonly now: Date;
  readonly calendar: WorkingCalendar;
  readonly timeLimits: TimeLimits;
}
