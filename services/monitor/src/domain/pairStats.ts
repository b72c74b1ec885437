import { caseStatuses } from "@tongban/lifecycle";
import type { CaseSummary } from "./caseSummary";
import { caseTimeline } from "./caseTimeline";
import { type Percentiles, percentiles } from "./percentiles";
import type { TrackingRecord } from "./trackingRecord";

/** A case as the views need it: its summary and its raw tracking records. */
export interface TrackedCase {
  summary: CaseSummary;
  records: readonly TrackingRecord[];
}

/** What operators see for one directed city pair (receiving city → home city). */
export interface PairStats {
  from: string;
  to: string;
  /** Cases in flight by current state. */
  inFlight: Record<string, number>;
  inFlightTotal: number;
  finished: number;
  /** Accepted at the window → in the home queue, for cases that reached the queue within the window. */
  latencyMs: Percentiles;
  /** Time spent in each state, for stays that ended within the window. */
  stages: { state: string; durationMs: Percentiles }[];
}

const order = new Map<string, number>(caseStatuses.map((s, i) => [s, i]));

/** Per directed pair of `nodeIds`: cases in flight by stage, delivery latency and stage durations over `windowMs` before `now`. */
export function pairStats(cases: Iterable<TrackedCase>, nodeIds: readonly string[], now: Date, windowMs: number): PairStats[] {
  const since = now.getTime() - windowMs;
  const pairs = new Map<string, { stats: PairStats; latencies: number[]; stays: Map<string, number[]> }>();
  for (const from of nodeIds) {
    for (const to of nodeIds) {
      if (from === to) continue;
      pairs.set(`${from}>${to}`, {
        stats: { from, to, inFlight: {}, inFlightTotal: 0, finished: 0, latencyMs: percentiles([]), stages: [] },
        latencies: [],
        stays: new Map(),
      });
    }
  }
  for (const { summary: s, records } of cases) {
    const pair = pairs.get(`${s.receivingNode}>${s.homeNode}`);
    if (!pair) continue;
    if (s.finished) pair.stats.finished++;
    else {
      pair.stats.inFlight[s.state] = (pair.stats.inFlight[s.state] ?? 0) + 1;
      pair.stats.inFlightTotal++;
    }
    if (s.submittedAt && s.inHomeQueueAt && s.inHomeQueueAt.getTime() >= since) {
      pair.latencies.push(Math.max(0, s.inHomeQueueAt.getTime() - s.submittedAt.getTime()));
    }
    const steps = caseTimeline(records);
    for (let i = 0; i + 1 < steps.length; i++) {
      const [a, b] = [steps[i]!, steps[i + 1]!];
      if (!a.occurredAt || !b.occurredAt || b.occurredAt.getTime() < since) continue;
      const list = pair.stays.get(a.state) ?? [];
      list.push(Math.max(0, b.occurredAt.getTime() - a.occurredAt.getTime()));
      pair.stays.set(a.state, list);
    }
  }
  return [...pairs.values()].map(({ stats, latencies, stays }) => ({
    ...stats,
    latencyMs: percentiles(latencies),
    stages: [...stays]
      .sort(([a], [b]) => (order.get(a) ?? 99) - (order.get(b) ?? 99))
      .map(([state, ms]) => ({ state, durationMs: percentiles(ms) })),
  }));
}
