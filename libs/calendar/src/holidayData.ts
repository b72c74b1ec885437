/**
 * Public holiday arrangement data as published by the State Council (国务院办公厅 节假日安排通知),
 * e.g. `data/cn-holidays.json`.
 */
export interface HolidayData {
  /** Version of the data set. */
  version: string;
  /** Where the dates come from. */
  source?: string;
  /**
   * Years whose arrangements are fully included. When omitted, the years of the `holidays`
   * entries are used. Outside these years only weekends are non-working days.
   */
  years?: number[];
  /** Days off (`YYYY-MM-DD`), including weekend days inside a holiday period. */
  holidays: string[];
  /** Make-up working days on weekends (调休上班, `YYYY-MM-DD`). */
  workdays: string[];
}
