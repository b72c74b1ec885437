import type { TimeLimits } from "./timeLimits";
import type { WorkingCalendar } from "./workingCalendar";

/** Everything `decide` needs from outside the case: the clock, the calendar, the item's time limits and mode. */
export interface DecideContext {
  readonly now: Date;
  readonly calendar: WorkingCalendar;
  readonly timeLimits: TimeLimits;
  /**
   * The item's mode allows accepting on the verified electronic copies before the paper is
   * signed for (网上预审). Absent: it does not; acceptance waits for the paper.
   */
  readonly acceptOnScans?: boolean;
}
