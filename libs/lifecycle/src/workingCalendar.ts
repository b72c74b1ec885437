/** A span during which a time limit does not run (期限中止期间); `to` is absent while it lasts. */
export interface ClockPause {
  readonly from: Date;
  readonly to?: Date;
}

/**
 * Working-day arithmetic (工作日计算), supplied by the caller so that the domain core
 * knows nothing about public holidays (法定节假日) or adjusted working weekends (调休).
 * How a partial day or a pause boundary counts is the calendar's rule, not the core's.
 */
export interface WorkingCalendar {
  /** The instant `n` working days after `from`; the day of `from` itself does not count. */
  addWorkingDays(from: Date, n: number): Date;
  /**
   * Like `addWorkingDays`, but working days inside any of `pauses` do not count. A calendar may
   * answer `undefined` while a pause is still open; the core only asks once every pause has ended.
   */
  addWorkingDaysExcluding(from: Date, n: number, pauses: readonly ClockPause[]): Date | undefined;
}
