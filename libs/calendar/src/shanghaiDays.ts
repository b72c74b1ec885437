const DAY_MS = 24 * 60 * 60 * 1000;
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

/**
 * Day arithmetic in Asia/Shanghai (UTC+8, no daylight saving time since 1991), independent of
 * the machine's local time zone. A day is identified by its day number: whole days since
 * 1970-01-01 in Shanghai.
 */
export const shanghaiDays = {
  /** Day number of the Shanghai calendar day containing `instant`. */
  of(instant: Date): number {
    return Math.floor((instant.getTime() + SHANGHAI_OFFSET_MS) / DAY_MS);
  },

  /** Last millisecond (23:59:59.999 Shanghai) of the day. */
  end(day: number): Date {
    return new Date((day + 1) * DAY_MS - SHANGHAI_OFFSET_MS - 1);
  },

  /** Day of week, 0 = Sunday … 6 = Saturday. */
  weekday(day: number): number {
    // 1970-01-01 was a Thursday.
    return (((day + 4) % 7) + 7) % 7;
  },

  /** Calendar year of the day. */
  year(day: number): number {
    return new Date(day * DAY_MS).getUTCFullYear();
  },

  /** ISO date `YYYY-MM-DD` of the day. */
  toIso(day: number): string {
    return new Date(day * DAY_MS).toISOString().slice(0, 10);
  },

  /** Day number of an ISO date `YYYY-MM-DD`, or `undefined` if it is not a real calendar date. */
  fromIso(iso: string): number | undefined {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
    if (match === null) return undefined;
    const [, y = "", m = "", d = ""] = match;
    const ms = Date.UTC(Number(y), Number(m) - 1, Number(d));
    const day = ms / DAY_MS;
    return shanghaiDays.toIso(day) === iso ? day : undefined;
  },
};
