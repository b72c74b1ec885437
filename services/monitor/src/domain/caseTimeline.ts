import type { TrackingRecord } from "./trackingRecord";

/** One step of a case as each node recorded it. */
export interface TimelineStep {
  seq: number;
  step: string;
  state: string;
  occurredAt?: Date;
  dueAt?: Date;
  dueStage: string;
  /** Every node that recorded the step, with when it did. */
  reports: { node: string; recordedAt: Date }[];
}

/** The cross-city timeline of one case: its steps in history order, merged over the reporting nodes. */
export function caseTimeline(records: readonly TrackingRecord[]): TimelineStep[] {
  const bySeq = new Map<number, TimelineStep>();
  for (const r of records) {
    const step = bySeq.get(r.seq) ?? {
      seq: r.seq,
      step: r.step,
      state: r.state,
      occurredAt: r.occurredAt,
      dueAt: r.dueAt,
      dueStage: r.dueStage,
      reports: [],
    };
    if (!step.reports.some((x) => x.node === r.reportedBy)) step.reports.push({ node: r.reportedBy, recordedAt: r.recordedAt });
    bySeq.set(r.seq, step);
  }
  const steps = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  for (const s of steps) s.reports.sort((a, b) => a.recordedAt.getTime() - b.recordedAt.getTime());
  return steps;
}
