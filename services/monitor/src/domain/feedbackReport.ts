import type { CaseSummary } from "./caseSummary";

/** Counts of the five rating levels (好差评), by level. */
export type LevelCounts = Record<string, number>;

export interface RatingRow {
  /** The item code, "<home node>/<department>", or "<receiving> → <home>". */
  key: string;
  counts: LevelCounts;
  total: number;
}

export interface ProblemRow {
  caseId: string;
  problemId: number;
  source: string;
  receivingNode: string;
  homeNode: string;
  homeDepartment: string;
  itemCode: string;
  openedAt?: Date;
  answerDueAt?: Date;
  answeredAt?: Date;
  /** Not answered and past its due date. */
  overdue: boolean;
}

export interface FeedbackReport {
  ratings: { byItem: RatingRow[]; byDepartment: RatingRow[]; byPair: RatingRow[] };
  /** Open problems first (overdue, then by due date), then the answered ones, newest first. */
  problems: ProblemRow[];
  openProblems: number;
  overdueProblems: number;
}

/**
 * The service-feedback loop (好差评 and 12345, 问题发现和跟踪): ratings counted by level per item,
 * per home department and per city pair, and every problem a poor rating or a 12345 complaint
 * opened, with the home authority's answer due date and whether it is overdue as of `now`.
 */
export function feedbackReport(summaries: Iterable<CaseSummary>, now: Date): FeedbackReport {
  const groups = {
    byItem: new Map<string, LevelCounts>(),
    byDepartment: new Map<string, LevelCounts>(),
    byPair: new Map<string, LevelCounts>(),
  };
  const problems: ProblemRow[] = [];
  for (const s of summaries) {
    if (s.ratingLevel) {
      const keys = { byItem: s.itemCode, byDepartment: `${s.homeNode}/${s.homeDepartment}`, byPair: `${s.receivingNode} → ${s.homeNode}` };
      for (const [group, key] of Object.entries(keys) as [keyof typeof groups, string][]) {
        const counts = groups[group].get(key) ?? {};
        counts[s.ratingLevel] = (counts[s.ratingLevel] ?? 0) + 1;
        groups[group].set(key, counts);
      }
    }
    for (const p of s.problems) {
      problems.push({
        caseId: s.caseId,
        problemId: p.problemId,
        source: p.source,
        receivingNode: s.receivingNode,
        homeNode: s.homeNode,
        homeDepartment: s.homeDepartment,
        itemCode: s.itemCode,
        openedAt: p.openedAt,
        answerDueAt: p.answerDueAt,
        answeredAt: p.answeredAt,
        overdue: !p.answeredAt && p.answerDueAt !== undefined && p.answerDueAt.getTime() < now.getTime(),
      });
    }
  }
  const rows = (m: Map<string, LevelCounts>): RatingRow[] =>
    [...m]
      .map(([key, counts]) => ({ key, counts, total: Object.values(counts).reduce((a, b) => a + b, 0) }))
      .sort((a, b) => b.total - a.total || a.key.localeCompare(b.key));
  const time = (d: Date | undefined) => d?.getTime() ?? 0;
  problems.sort(
    (a, b) =>
      Number(Boolean(a.answeredAt)) - Number(Boolean(b.answeredAt)) ||
      (a.answeredAt
        ? time(b.answeredAt) - time(a.answeredAt)
        : Number(b.overdue) - Number(a.overdue) || time(a.answerDueAt) - time(b.answerDueAt)),
  );
  return {
    ratings: { byItem: rows(groups.byItem), byDepartment: rows(groups.byDepartment), byPair: rows(groups.byPair) },
    problems,
    openProblems: problems.filter((p) => !p.answeredAt).length,
    overdueProblems: problems.filter((p) => p.overdue).length,
  };
}
