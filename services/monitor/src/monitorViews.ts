import type { Network } from "@tongban/config";
import { departments } from "@tongban/catalog";
import { eventLabels, stateLabels } from "@tongban/lifecycle";
import type { DeadLetterStore } from "./adapters/deadLetterStore";
import type { TrackingStore } from "./adapters/trackingStore";
import type { CaseBook } from "./domain/caseBook";
import { caseTimeline } from "./domain/caseTimeline";
import type { DeadLetter } from "./domain/deadLetter";
import { type DeadlineCalendar, type DeadlinePolicy, deadlineReport } from "./domain/deadlineReport";
import { type CalendarCoverage, calendarAlerts } from "./domain/calendarAlerts";
import { feedbackReport } from "./domain/feedbackReport";
import { pairSeries } from "./domain/pairSeries";
import { pairStats } from "./domain/pairStats";

export interface ViewDeps {
  book: CaseBook;
  tracking: TrackingStore;
  deadLetters: DeadLetterStore;
  network: Network;
  calendar: DeadlineCalendar & CalendarCoverage;
  policy: DeadlinePolicy;
  now: () => Date;
}

/** How many of the most recently moved cases the overview lists. */
const recentLimit = 100;

/** The operators' read side: every view the dashboard and the JSON API show. */
export class MonitorViews {
  constructor(private readonly d: ViewDeps) {}

  /** Names of cities, departments and states, Chinese and English, for the page. */
  labels() {
    return {
      nodes: this.d.network.nodes.map((n) => ({ id: n.id, zh: n.name.zh, en: n.name.en })),
      departments: this.d.network.nodes.flatMap((n) =>
        departments(n.id).map((x) => ({ node: n.id, code: x.code, zh: x.name, en: x.nameEn })),
      ),
      states: stateLabels,
      steps: eventLabels,
    };
  }

  /** City pairs (in flight, latency over the window, stage durations) and deadlines, as of now. */
  overview(windowMinutes: number) {
    const now = this.d.now();
    const nodeIds = this.d.network.nodes.map((n) => n.id);
    return {
      now,
      windowMinutes,
      cases: this.d.book.size,
      pairs: pairStats(this.d.book.cases(), nodeIds, now, windowMinutes * 60_000),
      series: pairSeries(this.d.book.allSummaries(), nodeIds, now, windowMinutes * 60_000),
      recent: [...this.d.book.allSummaries()]
        .sort((a, b) => (b.lastAt?.getTime() ?? 0) - (a.lastAt?.getTime() ?? 0) || b.caseId.localeCompare(a.caseId))
        .slice(0, recentLimit),
      deadlines: deadlineReport(this.d.book.allSummaries(), now, this.d.calendar, this.d.policy),
      // After the deadline report: its computations count too.
      calendarAlerts: calendarAlerts(this.d.book.allSummaries(), this.d.calendar),
      feedback: feedbackReport(this.d.book.allSummaries(), now),
    };
  }

  /** The full cross-city timeline of a case, read from the store (it is the record of truth). */
  async caseDetail(caseId: string) {
    const records = await this.d.tracking.byCase(caseId);
    if (records.length === 0) return undefined;
    for (const r of records) this.d.book.add(r);
    const summary = this.d.book.summary(caseId)!;
    const report = deadlineReport([summary], this.d.now(), this.d.calendar, this.d.policy);
    return {
      summary,
      overdue: report.overdue[0],
      dueSoon: report.dueSoon[0],
      materialsLate: report.materialsLate[0],
      timeline: caseTimeline(records),
    };
  }

  search(prefix: string) {
    return this.d.book.search(prefix);
  }

  /** Dead letters with the latest replay of each and its outcome. */
  async deadLetters(node: string | undefined) {
    const letters = await this.d.deadLetters.list(node);
    return this.withReplays(letters);
  }

  async deadLetter(id: string) {
    const l = await this.d.deadLetters.get(id);
    if (!l) return undefined;
    const [withReplays] = await this.withReplays([l]);
    return withReplays;
  }

  private async withReplays(letters: DeadLetter[]) {
    const ids = letters.map((l) => l._id);
    const [replays, outcomes] = await Promise.all([this.d.deadLetters.replaysOf(ids), this.d.deadLetters.outcomesOf(ids)]);
    const outcomeOf = new Map(outcomes.map((o) => [o._id, o]));
    return letters.map((l) => {
      const mine = replays
        .filter((r) => r.deadLetterId === l._id)
        .sort((a, b) => a.replayedAt.getTime() - b.replayedAt.getTime())
        .map((r) => ({ ...r, outcome: outcomeOf.get(r._id) }));
      const last = mine[mine.length - 1];
      const status = !last ? "dead" : !last.outcome ? "replaying" : last.outcome.outcome;
      return { ...l, status, replays: mine };
    });
  }
}
