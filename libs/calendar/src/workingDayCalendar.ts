import cnHolidays from "../data/cn-holidays.json" with { type: "json" };
import type { HolidayData } from "./holidayData";
import type { Pause } from "./pause";
import { shanghaiDays } from "./shanghaiDays";

/** Upper bound on days scanned by one computation, to fail loudly instead of looping forever. */
const MAX_SCAN_DAYS = 100 * 366;

interface PauseSpan {
  /** Day number of the first paused day. */
  firstDay: number;
  /** Day number of the last paused day, or `undefined` for an ongoing pause. */
  lastDay: number | undefined;
}

let defaultCalendar: WorkingDayCalendar | undefined;

/**
 * Working-day calendar for time limits counted in working days (行政许可法 第八十二条：
 * 期限以工作日计算，不含法定节假日). Non-working days are weekends and public holidays, except
 * make-up working days (调休上班). All dates are Asia/Shanghai calendar days.
 */
export class WorkingDayCalendar {
  /** Years a computation needed that the data does not cover, with how many computations needed each. */
  private readonly missing = new Map<number, number>();

  private constructor(
    /** Version of the holiday data. */
    readonly version: string,
    private readonly holidays: ReadonlySet<number>,
    private readonly workdays: ReadonlySet<number>,
    private readonly years: ReadonlySet<number>,
  ) {}

  /**
   * Builds a calendar from holiday data.
   *
   * @throws RangeError when a date is malformed, listed twice, listed both as holiday and as
   *   working day, or a make-up working day is not a Saturday or Sunday.
   */
  static fromData(data: HolidayData): WorkingDayCalendar {
    const holidays = parseDays(data.holidays, "holidays");
    const workdays = parseDays(data.workdays, "workdays");
    for (const day of workdays) {
      if (holidays.has(day)) {
        throw new RangeError(`${shanghaiDays.toIso(day)} 同时列为节假日和调休上班日 / is listed both as holiday and as working day`);
      }
      const weekday = shanghaiDays.weekday(day);
      if (weekday !== 0 && weekday !== 6) {
        throw new RangeError(
          `调休上班日 ${shanghaiDays.toIso(day)} 不是周末 / make-up working day ${shanghaiDays.toIso(day)} is not on a weekend`,
        );
      }
    }
    const years = new Set(data.years ?? [...holidays].map((day) => shanghaiDays.year(day)));
    return new WorkingDayCalendar(String(data.version), holidays, workdays, years);
  }

  /** Calendar with the bundled State Council arrangements (`data/cn-holidays.json`). */
  static default(): WorkingDayCalendar {
    defaultCalendar ??= WorkingDayCalendar.fromData(cnHolidays);
    return defaultCalendar;
  }

  /**
   * Whether the holiday arrangement of the Shanghai year containing `date` is part of the data.
   * Outside covered years only weekends are non-working days, so results there are provisional.
   */
  covers(date: Date): boolean {
    return this.years.has(shanghaiDays.year(dayOf(date)));
  }

  /** The years whose holiday arrangements the data covers, ascending. */
  coveredYears(): number[] {
    return [...this.years].sort((a, b) => a - b);
  }

  /**
   * Years that a computation of this calendar needed but the data does not cover (there it
   * counted weekends only, so the dates are provisional), with how many computations needed each;
   * ascending. Operators are alerted until the year's arrangement is added (see README).
   */
  missingYears(): { year: number; computations: number }[] {
    return [...this.missing].sort(([a], [b]) => a - b).map(([year, computations]) => ({ year, computations }));
  }

  /** One bilingual alert per missing year, for health endpoints and logs. */
  missingYearAlerts(): string[] {
    return this.missingYears().map((m) => missingYearAlert(m.year, this.coveredYears()).zh);
  }

  /** Notes the years of the days `firstDay`..`lastDay` that the data does not cover. */
  private noteCoverage(firstDay: number, lastDay: number): void {
    for (let year = shanghaiDays.year(firstDay); year <= shanghaiDays.year(lastDay); year++) {
      if (!this.years.has(year)) this.missing.set(year, (this.missing.get(year) ?? 0) + 1);
    }
  }

  /** Whether the Shanghai calendar day containing `date` is a working day. */
  isWorkingDay(date: Date): boolean {
    return this.isWorkingDayNumber(dayOf(date));
  }

  /**
   * Deadline of a time limit of `n` working days starting at `from`: the end
   * (23:59:59.999 Asia/Shanghai) of the n-th working day after the day of `from`. The day of
   * `from` itself never counts. With `n = 0` the end of the day of `from` is returned.
   *
   * @throws RangeError when `from` is invalid or `n` is not a non-negative integer.
   */
  addWorkingDays(from: Date, n: number): Date {
    const deadline = this.addWorkingDaysExcluding(from, n, []);
    if (deadline === undefined) {
      throw new Error("unreachable: no pause can be ongoing");
    }
    return deadline;
  }

  /**
   * Like `addWorkingDays`, but working days touched by a pause do not count: a day is skipped
   * when any part of it lies within `[pause.from, pause.to)`. So the day a suspension starts
   * and the day it ends (unless it ends exactly at 00:00 Shanghai) are not counted.
   *
   * Returns `undefined` when an ongoing pause (without `to`) starts before the deadline is
   * reached: the deadline cannot be known until the suspension ends.
   *
   * @throws RangeError on invalid dates, a pause ending before it starts, or an invalid `n`.
   */
  addWorkingDaysExcluding(from: Date, n: number, pauses: readonly Pause[]): Date | undefined {
    if (!Number.isInteger(n) || n < 0) {
      throw new RangeError(`工作日数必须是非负整数：${n} / number of working days must be a non-negative integer: ${n}`);
    }
    const startDay = dayOf(from);
    if (n === 0) {
      return shanghaiDays.end(startDay);
    }
    const spans = toSpans(pauses);
    const ongoingFrom = Math.min(...spans.filter((s) => s.lastDay === undefined).map((s) => s.firstDay));
    let counted = 0;
    for (let day = startDay + 1; day <= startDay + MAX_SCAN_DAYS; day++) {
      if (day >= ongoingFrom) {
        this.noteCoverage(startDay + 1, day);
        return undefined;
      }
      if (this.isWorkingDayNumber(day) && !isPaused(day, spans)) {
        counted++;
        if (counted === n) {
          this.noteCoverage(startDay + 1, day);
          return shanghaiDays.end(day);
        }
      }
    }
    throw new RangeError("期限超出可计算范围 / deadline is out of the supported range");
  }

  /**
   * Number of working days that have fully elapsed after the day of `from` and up to `to`,
   * e.g. how many working days a case is overdue when `from` is its deadline. The day of
   * `from` never counts; the day of `to` counts only once it has ended (so
   * `workingDaysBetween(from, addWorkingDays(from, n)) === n`). Working days touched by one of
   * `pauses` are skipped, as in `addWorkingDaysExcluding`. Returns 0 when `to` is not after `from`.
   *
   * @throws RangeError on invalid dates or a pause ending before it starts.
   */
  workingDaysBetween(from: Date, to: Date, pauses: readonly Pause[] = []): number {
    const fromDay = dayOf(from);
    const toDay = dayOf(to);
    const spans = toSpans(pauses);
    const lastFullDay = to.getTime() >= shanghaiDays.end(toDay).getTime() ? toDay : toDay - 1;
    if (lastFullDay > fromDay) this.noteCoverage(fromDay + 1, lastFullDay);
    let count = 0;
    for (let day = fromDay + 1; day <= lastFullDay; day++) {
      if (this.isWorkingDayNumber(day) && !isPaused(day, spans)) {
        count++;
      }
    }
    return count;
  }

  private isWorkingDayNumber(day: number): boolean {
    if (this.holidays.has(day)) return false;
    if (this.workdays.has(day)) return true;
    const weekday = shanghaiDays.weekday(day);
    return weekday !== 0 && weekday !== 6;
  }
}

function dayOf(date: Date): number {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new RangeError("无效的日期 / invalid date");
  }
  return shanghaiDays.of(date);
}

function parseDays(dates: readonly string[], field: string): Set<number> {
  const days = new Set<number>();
  for (const iso of dates) {
    const day = shanghaiDays.fromIso(iso);
    if (day === undefined) {
      throw new RangeError(`${field} 中的日期无效：${iso} / invalid date in ${field}: ${iso}`);
    }
    if (days.has(day)) {
      throw new RangeError(`${field} 中的日期重复：${iso} / duplicate date in ${field}: ${iso}`);
    }
    days.add(day);
  }
  return days;
}

/** Converts pauses to the Shanghai days they touch; empty pauses (`to == from`) touch none. */
function toSpans(pauses: readonly Pause[]): PauseSpan[] {
  const spans: PauseSpan[] = [];
  for (const pause of pauses) {
    const firstDay = dayOf(pause.from);
    if (pause.to === undefined) {
      spans.push({ firstDay, lastDay: undefined });
      continue;
    }
    const end = pause.to;
    dayOf(end);
    if (end.getTime() < pause.from.getTime()) {
      throw new RangeError("暂停期间的结束早于开始 / pause ends before it starts");
    }
    if (end.getTime() === pause.from.getTime()) {
      continue;
    }
    // `to` is exclusive: the last touched day is the one containing the millisecond before it.
    spans.push({ firstDay, lastDay: shanghaiDays.of(new Date(end.getTime() - 1)) });
  }
  return spans;
}

function isPaused(day: number, spans: readonly PauseSpan[]): boolean {
  return spans.some((s) => day >= s.firstDay && (s.lastDay === undefined || day <= s.lastDay));
}

/** The operators' alert for a year the holiday data lacks (Chinese with the English after a slash, and English alone). */
export function missingYearAlert(year: number, covered: readonly number[]): { zh: string; en: string } {
  return {
    zh: `工作日历缺少 ${year} 年节假日安排（现有 ${covered.join("、")} 年），到期日仅按周末计算，请补充后重启 / calendar for ${year} missing`,
    en: `Working-day calendar for ${year} missing (covers ${covered.join(", ")}): due dates there count weekends only; add the year and restart`,
  };
}
