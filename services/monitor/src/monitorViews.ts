import type { Network } from "@tongban/config";
import { departments, handlingOf, item, items } from "@tongban/catalog";
import { eventLabels, stateLabels } from "@tongban/lifecycle";
import type { DeadLetterStore } from "./adapters/deadLetterStore";
import type { TrackingStore } from "./adapters/trackingStore";
import type { CaseBook } from "./domain/caseBook";
import type { CaseSummary } from "./domain/caseSummary";
import { type TimelineStep, caseTimeline } from "./domain/caseTimeline";
import type { DeadLetter } from "./domain/deadLetter";
import { type DeadlineCalendar, type DeadlineEntry, type DeadlinePolicy, deadlineReport } from "./domain/deadlineReport";
import { type JointLegSlot, type PlannedLeg, jointLegs } from "./domain/jointLegs";
import type { TrackingRecord } from "./domain/trackingRecord";
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

/** How many of the most recently moved cases the overview lists (and joint applications their list). */
const recentLimit = 100;

/** A case against its running time limits, as the deadline report sees it now. */
export interface CaseClock {
  overdue?: DeadlineEntry | undefined;
  dueSoon?: DeadlineEntry | undefined;
  materialsLate?: DeadlineEntry | undefined;
}

/** A leg of a joint application (多地联办) as the monitor shows it: once started, its case, statutory clock and (in the application's detail) timeline. */
export interface JointLegView extends JointLegSlot, CaseClock {
  summary?: CaseSummary;
  timeline?: TimelineStep[];
}

/** A joint application: the window that received it, and every leg. */
export interface JointView {
  jointId: string;
  itemCode: string;
  receivingNode: string;
  /** The latest step of any leg. */
  lastAt?: Date | undefined;
  legs: JointLegView[];
}

/** The legs the catalog plans for an item; none for a single-home or unknown item. */
function plannedLegs(itemCode: string): readonly PlannedLeg[] {
  const it = item(itemCode);
  const h = it ? handlingOf(it) : undefined;
  return h?.kind === "joint" ? h.legs : [];
}

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
      /** The catalog's names of the legs of every jointly handled item (e.g. 迁出地办理). */
      legs: items().flatMap((i) => plannedLegs(i.code).map((l) => ({ itemCode: i.code, role: l.role, zh: l.name.zh, en: l.name.en }))),
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
    return {
      summary,
      ...this.clockOf(summary, this.d.now()),
      timeline: caseTimeline(records),
      /** When the case is a leg of a joint application: the application with every leg. */
      joint: summary.jointId ? await this.joint(summary.jointId) : undefined,
    };
  }

  /**
   * A joint application (多地联办) with every leg the catalog plans for it: a started leg with its
   * state, home, statutory clock and timeline, one not started with why. Read from the store.
   */
  async joint(jointId: string): Promise<JointView | undefined> {
    const records = await this.d.tracking.byJoint(jointId);
    if (records.length === 0) return undefined;
    const byCase = new Map<string, TrackingRecord[]>();
    for (const r of records) {
      this.d.book.add(r);
      byCase.set(r.caseId, [...(byCase.get(r.caseId) ?? []), r]);
    }
    return this.jointView(jointId, [...byCase.keys()], this.d.now(), (caseId) => caseTimeline(byCase.get(caseId) ?? []));
  }

  /** Joint applications whose id starts with `prefix`, most recently moved first, each leg with its state and clock. */
  joints(prefix: string): JointView[] {
    const p = prefix.trim().toUpperCase();
    const now = this.d.now();
    return [...this.d.book.jointIds()]
      .filter((id) => id.toUpperCase().startsWith(p))
      .map((id) => this.jointView(id, this.d.book.legsOf(id), now))
      .sort((a, b) => (b.lastAt?.getTime() ?? 0) - (a.lastAt?.getTime() ?? 0) || b.jointId.localeCompare(a.jointId))
      .slice(0, recentLimit);
  }

  /** Case ids starting with `prefix`; with `legsOnly`, only legs of joint applications. */
  search(prefix: string, legsOnly = false) {
    return this.d.book.search(prefix, 20, legsOnly);
  }

  private clockOf(summary: CaseSummary, now: Date): CaseClock {
    const report = deadlineReport([summary], now, this.d.calendar, this.d.policy);
    return { overdue: report.overdue[0], dueSoon: report.dueSoon[0], materialsLate: report.materialsLate[0] };
  }

  /** `caseIds` are the tracked legs (at least one). */
  private jointView(jointId: string, caseIds: readonly string[], now: Date, timelineOf?: (caseId: string) => TimelineStep[]): JointView {
    const summaries = caseIds.map((id) => this.d.book.summary(id)!).sort((a, b) => a.caseId.localeCompare(b.caseId));
    const first = summaries[0]!;
    const legs = jointLegs(summaries, plannedLegs(first.itemCode)).map((slot): JointLegView => {
      const summary = slot.caseId ? this.d.book.summary(slot.caseId) : undefined;
      if (!summary) return slot;
      return { ...slot, summary, ...this.clockOf(summary, now), ...(timelineOf ? { timeline: timelineOf(summary.caseId) } : {}) };
    });
    const lastAt = summaries.reduce<Date | undefined>((m, s) => (s.lastAt && (!m || s.lastAt > m) ? s.lastAt : m), undefined);
    return { jointId, itemCode: first.itemCode, receivingNode: first.receivingNode, lastAt, legs };
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
