const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

/** A calendar date without time of day. */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

/**
 * The calendar date of `instant` in Asia/Shanghai (UTC+8, no daylight saving time),
 * independent of the machine's local time zone.
 */
export function shanghaiCalendarDate(instant: Date): CalendarDate {
  const shifted = new Date(instant.getTime() + SHANGHAI_OFFSET_MS);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
  };
}
