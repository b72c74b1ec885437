import { describe, expect, it } from "vitest";
import { WorkingDayCalendar } from "@tongban/calendar";
import { calendarAlerts } from "./calendarAlerts";
import type { CaseSummary } from "./caseSummary";

const summary = (caseId: string, dueAt: string | undefined, finished = false) =>
  ({ caseId, dueAt: dueAt ? new Date(dueAt) : undefined, finished }) as CaseSummary;

describe("calendarAlerts", () => {
  it("when open cases are due in a year the holiday data lacks, then one alert per year counts them; finished cases and covered years do not count", () => {
    const calendar = WorkingDayCalendar.fromData({ version: "t", years: [2026], holidays: ["2026-10-01"], workdays: [] });
    const alerts = calendarAlerts(
      [
        summary("A", "2027-01-12T15:59:59.999Z"),
        summary("B", "2027-02-01T15:59:59.999Z"),
        summary("C", "2027-03-01T15:59:59.999Z", true),
        summary("D", "2026-12-30T15:59:59.999Z"),
        summary("E", undefined),
        // 2027-12-31 23:59:59.999 in Shanghai is still 2027 there, though 15:59 UTC.
        summary("F", "2027-12-31T15:59:59.999Z"),
      ],
      calendar,
    );
    expect(alerts).toEqual([
      expect.objectContaining({
        year: 2027,
        cases: 3,
        computations: 0,
        zh: expect.stringContaining("工作日历缺少 2027 年"),
        en: expect.stringContaining("2027 missing"),
      }),
    ]);
  });

  it("when the monitor's own computations needed a missing year, then it is alerted without any case", () => {
    const calendar = WorkingDayCalendar.fromData({ version: "t", years: [2026], holidays: ["2026-10-01"], workdays: [] });
    calendar.addWorkingDays(new Date("2026-12-20T02:00:00Z"), 15);
    expect(calendarAlerts([], calendar)).toEqual([expect.objectContaining({ year: 2027, cases: 0, computations: 1 })]);
    expect(calendarAlerts([summary("A", "2026-12-30T15:59:59.999Z")], calendar)).toHaveLength(1);
  });
});
