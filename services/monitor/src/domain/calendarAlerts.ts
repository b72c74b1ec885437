import { missingYearAlert } from "@tongban/calendar";
import type { CaseSummary } from "./caseSummary";

/** What the monitor asks of the working-day calendar about its own coverage. */
export interface CalendarCoverage {
  covers(date: Date): boolean;
  coveredYears(): number[];
  missingYears(): { year: number; computations: number }[];
}

export interface CalendarAlert {
  year: number;
  /** Open cases whose statutory due date falls in the year. */
  cases: number;
  /** Computations in this process that needed the year. */
  computations: number;
  zh: string;
  en: string;
}

/**
 * The years a due date fell into that the holiday data does not cover: there working days were
 * counted as weekdays only, so a due date may be early or late by the holidays of that year.
 * From the due dates the nodes reported for open cases and from this process's own computations.
 */
export function calendarAlerts(summaries: Iterable<CaseSummary>, calendar: CalendarCoverage): CalendarAlert[] {
  const years = new Map<number, { cases: number; computations: number }>();
  for (const m of calendar.missingYears()) years.set(m.year, { cases: 0, computations: m.computations });
  for (const s of summaries) {
    if (!s.dueAt || s.finished || calendar.covers(s.dueAt)) continue;
    const year = Number(new Intl.DateTimeFormat("en", { timeZone: "Asia/Shanghai", year: "numeric" }).format(s.dueAt));
    const y = years.get(year) ?? { cases: 0, computations: 0 };
    y.cases++;
    years.set(year, y);
  }
  return [...years].sort(([a], [b]) => a - b).map(([year, y]) => ({ year, ...y, ...missingYearAlert(year, calendar.coveredYears()) }));
}
