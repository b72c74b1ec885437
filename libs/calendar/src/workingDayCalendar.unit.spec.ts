import { describe, expect, it } from "vitest";
import { systemClock } from "./clock";
import type { HolidayData } from "./holidayData";
import { WorkingDayCalendar } from "./workingDayCalendar";

const calendar = WorkingDayCalendar.default();

/** An instant given as Shanghai wall-clock time, e.g. `sh("2026-01-05 10:00")`. */
function sh(local: string): Date {
  const [date = "", time = "00:00"] = local.split(" ");
  return new Date(`${date}T${time}:00+08:00`);
}

/** The expected deadline: end of the given Shanghai calendar day. */
function endOf(date: string): Date {
  return new Date(`${date}T23:59:59.999+08:00`);
}

describe("WorkingDayCalendar.isWorkingDay", () => {
  it("when the day is an ordinary weekday or weekend, then weekdays work and weekends do not", () => {
    expect(calendar.isWorkingDay(sh("2025-03-07"))).toBe(true); // Friday
    expect(calendar.isWorkingDay(sh("2025-03-08"))).toBe(false); // Saturday
    expect(calendar.isWorkingDay(sh("2025-03-09"))).toBe(false); // Sunday
  });

  it("when the day is a public holiday on a weekday, then it is not a working day", () => {
    expect(calendar.isWorkingDay(sh("2025-01-01"))).toBe(false);
    expect(calendar.isWorkingDay(sh("2025-10-08"))).toBe(false);
    expect(calendar.isWorkingDay(sh("2026-02-23"))).toBe(false);
    expect(calendar.isWorkingDay(sh("2026-10-07"))).toBe(false);
  });

  it("when the day is a make-up working day on a weekend, then it is a working day", () => {
    for (const day of ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"]) {
      expect(calendar.isWorkingDay(sh(day))).toBe(true);
    }
    for (const day of ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]) {
      expect(calendar.isWorkingDay(sh(day))).toBe(true);
    }
  });

  it("when the instant is late evening UTC, then the Shanghai day decides", () => {
    // 2025-03-07T16:30Z is Saturday 00:30 in Shanghai although it is still Friday in UTC.
    expect(calendar.isWorkingDay(new Date("2025-03-07T16:30:00Z"))).toBe(false);
    expect(calendar.isWorkingDay(new Date("2025-03-07T15:59:59.999Z"))).toBe(true);
  });

  it("when the year is not covered by the data, then only weekends are non-working days", () => {
    expect(calendar.covers(sh("2026-12-31"))).toBe(true);
    expect(calendar.covers(sh("2027-01-01"))).toBe(false);
    expect(calendar.isWorkingDay(sh("2027-01-01"))).toBe(true); // Friday, no arrangement known
    expect(calendar.isWorkingDay(sh("2027-01-02"))).toBe(false); // Saturday
  });
});

describe("WorkingDayCalendar.addWorkingDays", () => {
  it("when the period spans a weekend, then Saturday and Sunday are skipped", () => {
    expect(calendar.addWorkingDays(sh("2025-03-07 09:30"), 1)).toEqual(endOf("2025-03-10"));
    expect(calendar.addWorkingDays(sh("2025-03-05 09:30"), 5)).toEqual(endOf("2025-03-12"));
  });

  it("when the period spans a public holiday, then the holiday is skipped", () => {
    expect(calendar.addWorkingDays(sh("2025-09-30 10:00"), 1)).toEqual(endOf("2025-10-09"));
  });

  it("when the period contains a make-up working day, then it is counted", () => {
    // Friday 26 September → Sunday 28 September is a make-up working day.
    expect(calendar.addWorkingDays(sh("2025-09-26 10:00"), 1)).toEqual(endOf("2025-09-28"));
  });

  it("when the period spans the 2026 Spring Festival, then 15–23 February are skipped and 14 and 28 February count", () => {
    // 2/11, 2/12, 2/13, 2/14 (Sat, make-up), 2/24, 2/25, 2/26, 2/27, 2/28 (Sat, make-up),
    // 3/2–3/6, 3/9–3/13, 3/16 → the 20th working day is Monday 16 March.
    expect(calendar.addWorkingDays(sh("2026-02-10 15:00"), 20)).toEqual(endOf("2026-03-16"));
    expect(calendar.addWorkingDays(sh("2026-02-13 15:00"), 1)).toEqual(endOf("2026-02-14"));
    expect(calendar.addWorkingDays(sh("2026-02-13 15:00"), 2)).toEqual(endOf("2026-02-24"));
  });

  it("when the period crosses the year boundary, then New Year 2026 is skipped and 4 January counts", () => {
    // 12/31, (1/1–1/3 holiday), 1/4 (Sun, make-up), 1/5.
    expect(calendar.addWorkingDays(sh("2025-12-30 11:00"), 3)).toEqual(endOf("2026-01-05"));
  });

  it("when the deadline falls into an uncovered year, then only weekends are skipped there", () => {
    expect(calendar.addWorkingDays(sh("2026-12-31 11:00"), 2)).toEqual(endOf("2027-01-04"));
  });

  it("when the start instant is already the next day in Shanghai, then counting starts from the Shanghai day", () => {
    // 2026-01-05T17:00Z is Tuesday 6 January 01:00 in Shanghai, so day 1 is Wednesday 7 January.
    const deadline = calendar.addWorkingDays(new Date("2026-01-05T17:00:00Z"), 1);
    expect(deadline).toEqual(endOf("2026-01-07"));
    expect(deadline.toISOString()).toBe("2026-01-07T15:59:59.999Z");
    // One millisecond before Shanghai midnight it is still Monday 5 January.
    expect(calendar.addWorkingDays(new Date("2026-01-05T15:59:59.999Z"), 1)).toEqual(endOf("2026-01-06"));
  });

  it("when the start day is itself a non-working day, then counting starts on the next working day", () => {
    expect(calendar.addWorkingDays(sh("2025-10-04 10:00"), 1)).toEqual(endOf("2025-10-09"));
  });

  it("when n is 0, then the deadline is the end of the start day", () => {
    expect(calendar.addWorkingDays(sh("2025-03-07 09:30"), 0)).toEqual(endOf("2025-03-07"));
  });

  it("when n is negative or fractional or the date is invalid, then it throws", () => {
    expect(() => calendar.addWorkingDays(sh("2025-03-07"), -1)).toThrow(RangeError);
    expect(() => calendar.addWorkingDays(sh("2025-03-07"), 1.5)).toThrow(RangeError);
    expect(() => calendar.addWorkingDays(new Date("not a date"), 1)).toThrow(RangeError);
  });
});

describe("WorkingDayCalendar.workingDaysBetween", () => {
  it("when the deadline passed two working days ago, then two full working days have elapsed", () => {
    const deadline = endOf("2026-01-05");
    expect(calendar.workingDaysBetween(deadline, sh("2026-01-08 10:00"))).toBe(2);
    expect(calendar.workingDaysBetween(deadline, endOf("2026-01-08"))).toBe(3);
  });

  it("when the interval spans holidays, then only working days are counted", () => {
    expect(calendar.workingDaysBetween(endOf("2026-02-13"), sh("2026-02-25 09:00"))).toBe(2); // 2/14, 2/24
  });

  it("when to is not after from, then it is 0", () => {
    expect(calendar.workingDaysBetween(sh("2026-01-08 10:00"), sh("2026-01-05 10:00"))).toBe(0);
    expect(calendar.workingDaysBetween(sh("2026-01-08 10:00"), sh("2026-01-08 11:00"))).toBe(0);
  });

  it("when measuring up to a computed deadline, then the result is the number of working days added", () => {
    const from = sh("2026-02-10 15:00");
    for (const n of [0, 1, 2, 5, 20, 60]) {
      expect(calendar.workingDaysBetween(from, calendar.addWorkingDays(from, n))).toBe(n);
    }
  });

  it("when a pause lies in the interval, then its working days are not counted", () => {
    const pauses = [{ from: sh("2026-01-07 09:00"), to: sh("2026-01-07 16:00") }];
    expect(calendar.workingDaysBetween(endOf("2026-01-05"), endOf("2026-01-08"), pauses)).toBe(2);
  });
});

describe("WorkingDayCalendar.addWorkingDaysExcluding", () => {
  const from = sh("2025-03-03 10:00"); // Monday; 5 working days → Monday 10 March

  it("when there are no pauses, then it equals addWorkingDays", () => {
    expect(calendar.addWorkingDaysExcluding(from, 5, [])).toEqual(endOf("2025-03-10"));
  });

  it("when a pause covers parts of two working days, then both days are skipped", () => {
    const pauses = [{ from: sh("2025-03-05 09:00"), to: sh("2025-03-06 17:00") }];
    // 3/4, (3/5, 3/6 paused), 3/7, 3/10, 3/11, 3/12.
    expect(calendar.addWorkingDaysExcluding(from, 5, pauses)).toEqual(endOf("2025-03-12"));
  });

  it("when a pause ends exactly at Shanghai midnight, then the following day counts again", () => {
    const pauses = [{ from: sh("2025-03-05 00:00"), to: sh("2025-03-07 00:00") }];
    expect(calendar.addWorkingDaysExcluding(from, 5, pauses)).toEqual(endOf("2025-03-12"));
  });

  it("when several pauses exist, then all of them are skipped", () => {
    const pauses = [
      { from: sh("2025-03-04 14:00"), to: sh("2025-03-04 16:00") },
      { from: sh("2025-03-11 09:00"), to: sh("2025-03-11 12:00") },
    ];
    // (3/4), 3/5, 3/6, 3/7, 3/10, (3/11), 3/12.
    expect(calendar.addWorkingDaysExcluding(from, 5, pauses)).toEqual(endOf("2025-03-12"));
  });

  it("when a pause covers only a weekend or lies before the start, then the deadline is unchanged", () => {
    const pauses = [
      { from: sh("2025-03-08 10:00"), to: sh("2025-03-09 18:00") },
      { from: sh("2025-02-20 10:00"), to: sh("2025-02-21 18:00") },
    ];
    expect(calendar.addWorkingDaysExcluding(from, 5, pauses)).toEqual(endOf("2025-03-10"));
  });

  it("when a pause is empty, then it has no effect", () => {
    const at = sh("2025-03-05 10:00");
    expect(calendar.addWorkingDaysExcluding(from, 5, [{ from: at, to: at }])).toEqual(endOf("2025-03-10"));
  });

  it("when an ongoing pause started before the deadline, then the deadline is undefined", () => {
    expect(calendar.addWorkingDaysExcluding(from, 5, [{ from: sh("2025-03-06 10:00") }])).toBeUndefined();
  });

  it("when an ongoing pause starts after the deadline, then the deadline is unaffected", () => {
    expect(calendar.addWorkingDaysExcluding(from, 5, [{ from: sh("2025-03-11 10:00") }])).toEqual(endOf("2025-03-10"));
  });

  it("when a pause ends before it starts, then it throws", () => {
    expect(() => calendar.addWorkingDaysExcluding(from, 5, [{ from: sh("2025-03-06 10:00"), to: sh("2025-03-05 10:00") }])).toThrow(
      RangeError,
    );
  });
});

describe("WorkingDayCalendar.fromData", () => {
  const data: HolidayData = { version: "test", holidays: ["2030-01-01"], workdays: ["2030-01-05"] };

  it("when built from custom data, then its holidays, make-up days and years are used", () => {
    const custom = WorkingDayCalendar.fromData(data);
    expect(custom.version).toBe("test");
    expect(custom.isWorkingDay(sh("2030-01-01"))).toBe(false); // Tuesday holiday
    expect(custom.isWorkingDay(sh("2030-01-05"))).toBe(true); // Saturday make-up
    expect(custom.covers(sh("2030-06-01"))).toBe(true);
    expect(custom.covers(sh("2025-06-01"))).toBe(false);
  });

  it("when the data is inconsistent, then it throws", () => {
    expect(() => WorkingDayCalendar.fromData({ ...data, holidays: ["2030-02-30"] })).toThrow(RangeError);
    expect(() => WorkingDayCalendar.fromData({ ...data, holidays: ["2030-01-01", "2030-01-01"] })).toThrow(RangeError);
    expect(() => WorkingDayCalendar.fromData({ ...data, workdays: ["2030-01-07"] })).toThrow(RangeError); // Monday
    expect(() => WorkingDayCalendar.fromData({ ...data, holidays: ["2030-01-05"] })).toThrow(RangeError);
  });

  it("when loading the bundled data, then 2025 and 2026 are covered and the instance is shared", () => {
    expect(WorkingDayCalendar.default()).toBe(calendar);
    expect(calendar.covers(sh("2025-01-01"))).toBe(true);
    expect(calendar.covers(sh("2024-12-31"))).toBe(false);
  });
});

describe("WorkingDayCalendar coverage", () => {
  const covering2026 = () => WorkingDayCalendar.fromData({ version: "t", years: [2026], holidays: ["2026-10-01"], workdays: [] });

  it("when due dates stay inside the covered years, then no year is missing", () => {
    const cal = covering2026();
    cal.addWorkingDays(sh("2026-03-02 09:00"), 20);
    cal.workingDaysBetween(sh("2026-01-05"), sh("2026-06-01"));
    expect(cal.coveredYears()).toEqual([2026]);
    expect(cal.missingYears()).toEqual([]);
    expect(cal.missingYearAlerts()).toEqual([]);
  });

  it("when a due date falls into a year the data lacks, then that year is missing with the computations that needed it, and the alert names it", () => {
    const cal = covering2026();
    // 20 working days from mid-December run into January 2027.
    expect(cal.addWorkingDays(sh("2026-12-14 10:00"), 20).getTime()).toBeGreaterThan(sh("2027-01-01").getTime());
    cal.addWorkingDays(sh("2026-12-28 10:00"), 5);
    cal.workingDaysBetween(sh("2026-12-01"), sh("2027-02-01"));
    expect(cal.missingYears()).toEqual([{ year: 2027, computations: 3 }]);
    expect(cal.missingYearAlerts()).toEqual([expect.stringContaining("工作日历缺少 2027 年节假日安排")]);
    expect(cal.missingYearAlerts()[0]).toContain("calendar for 2027 missing");
    // A pause still open before the due date is reached counts the days scanned so far.
    cal.addWorkingDaysExcluding(sh("2025-12-01"), 60, [{ from: sh("2026-01-10") }]);
    expect(cal.missingYears()).toEqual([
      { year: 2025, computations: 1 },
      { year: 2027, computations: 3 },
    ]);
  });
});

describe("systemClock", () => {
  it("when asked for the time, then it returns the current instant", () => {
    const before = Date.now();
    const now = systemClock.now().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });
});
