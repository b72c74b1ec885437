import type { CaseSummary } from "./caseSummary";

/** A case against one of its time limits. */
export interface DeadlineEntry {
  caseId: string;
  receivingNode: string;
  homeNode: string;
  homeDepartment: string;
  itemCode: string;
  state: string;
  /** correction / decision / delivery (statutory), or materials (paper materials not signed for). */
  stage: string;
  dueAt: Date;
  /** Working days past the due date (overdue) or left before it (due soon). */
  workingDays: number;
  /** The joint application (多地联办) the case is a leg of, and its role; absent for an ordinary case. */
  jointId?: string;
  legRole?: string;
}

/** Counts per home city and department. */
export interface DepartmentCount {
  homeNode: string;
  homeDepartment: string;
  overdue: number;
  dueSoon: number;
  materialsLate: number;
}

export interface DeadlineReport {
  overdue: DeadlineEntry[];
  dueSoon: DeadlineEntry[];
  materialsLate: DeadlineEntry[];
  byDepartment: DepartmentCount[];
}

export interface DeadlinePolicy {
  /** A running limit with at most this many full working days left is "due soon". */
  dueSoonDays: number;
  /** Paper materials are late when not signed for this many working days after electronic receipt. */
  materialsDays: number;
}

/** Working-day arithmetic, e.g. WorkingDayCalendar from @tongban/calendar. */
export interface DeadlineCalendar {
  addWorkingDays(from: Date, n: number): Date;
  workingDaysBetween(from: Date, to: Date): number;
}

/**
 * Overdue and due-soon cases against the running statutory limit (the due date each node reports
 * with the step, on the working-day calendar), and the paper-materials leg, as of `now`.
 */
export function deadlineReport(
  cases: Iterable<CaseSummary>,
  now: Date,
  calendar: DeadlineCalendar,
  policy: DeadlinePolicy,
): DeadlineReport {
  const report: DeadlineReport = { overdue: [], dueSoon: [], materialsLate: [], byDepartment: [] };
  const counts = new Map<string, DepartmentCount>();
  const count = (s: CaseSummary, field: "overdue" | "dueSoon" | "materialsLate") => {
    const key = `${s.homeNode}/${s.homeDepartment}`;
    const c = counts.get(key) ?? { homeNode: s.homeNode, homeDepartment: s.homeDepartment, overdue: 0, dueSoon: 0, materialsLate: 0 };
    c[field]++;
    counts.set(key, c);
  };
  const entry = (s: CaseSummary, stage: string, dueAt: Date, workingDays: number): DeadlineEntry => ({
    caseId: s.caseId,
    receivingNode: s.receivingNode,
    homeNode: s.homeNode,
    homeDepartment: s.homeDepartment,
    itemCode: s.itemCode,
    state: s.state,
    stage,
    dueAt,
    workingDays,
    ...(s.jointId ? { jointId: s.jointId, legRole: s.legRole ?? "" } : {}),
  });
  for (const s of cases) {
    if (s.finished) continue;
    if (s.dueAt && s.dueStage) {
      if (now.getTime() > s.dueAt.getTime()) {
        report.overdue.push(entry(s, s.dueStage, s.dueAt, calendar.workingDaysBetween(s.dueAt, now)));
        count(s, "overdue");
      } else {
        const left = calendar.workingDaysBetween(now, s.dueAt);
        if (left <= policy.dueSoonDays) {
          report.dueSoon.push(entry(s, s.dueStage, s.dueAt, left));
          count(s, "dueSoon");
        }
      }
    }
    if (s.receivedAtHome && !s.materialsSignedAt) {
      const dueAt = calendar.addWorkingDays(s.receivedAtHome, policy.materialsDays);
      if (now.getTime() > dueAt.getTime()) {
        report.materialsLate.push(entry(s, "materials", dueAt, calendar.workingDaysBetween(dueAt, now)));
        count(s, "materialsLate");
      }
    }
  }
  report.overdue.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
  report.dueSoon.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
  report.materialsLate.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
  report.byDepartment = [...counts.values()].sort((a, b) =>
    `${a.homeNode}/${a.homeDepartment}`.localeCompare(`${b.homeNode}/${b.homeDepartment}`),
  );
  return report;
}
