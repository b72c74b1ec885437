import { describe, expect, it } from "vitest";
import { summariseCase } from "./caseSummary";
import { caseTimeline } from "./caseTimeline";
import { pairStats } from "./pairStats";
import { percentiles } from "./percentiles";
import type { TrackingRecord } from "./trackingRecord";

const t0 = new Date("2026-03-02T01:00:00Z");
const at = (s: number) => new Date(t0.getTime() + s * 1000);
let n = 0;
const rec = (
  step: string,
  state: string,
  seq: number,
  by: string,
  recordedS: number,
  extra: Partial<TrackingRecord> = {},
): TrackingRecord => ({
  _id: `t${n++}`,
  caseId: "C1",
  itemCode: "TB-2020-001",
  receivingNode: "xiamen",
  homeNode: "quanzhou",
  homeDepartment: "gaj",
  step,
  state,
  seq,
  occurredAt: at(seq * 10),
  reportedBy: by,
  recordedAt: at(recordedS),
  dueStage: "",
  submittedAt: t0,
  ...extra,
});

const history = [
  rec("case.received", "RECEIVED_BY_HOME", 3, "xiamen", 40, { dueAt: at(9999), dueStage: "correction" }),
  rec("case.submitted", "SUBMITTED", 1, "xiamen", 1),
  rec("case.forwarded", "FORWARDED", 2, "xiamen", 2),
  rec("case.submitted", "SUBMITTED", 1, "quanzhou", 3),
  rec("case.forwarded", "FORWARDED", 2, "quanzhou", 4),
  rec("case.received", "RECEIVED_BY_HOME", 3, "quanzhou", 5, { dueAt: at(9999), dueStage: "correction" }),
];

describe("a case's summary and timeline", () => {
  it("when both nodes report the steps in any order, then the summary is the latest step and the queue time is the home node's record", () => {
    const s = summariseCase(history)!;
    expect(s).toMatchObject({ state: "RECEIVED_BY_HOME", seq: 3, dueStage: "correction", finished: false, homeNode: "quanzhou" });
    expect(s.inHomeQueueAt).toEqual(at(5));
    expect(s.receivedAtHome).toEqual(at(30));
    expect(summariseCase([...history].reverse())).toEqual(s);
  });

  it("when steps are recorded twice, then the timeline lists each once with both reporting nodes", () => {
    const steps = caseTimeline(history);
    expect(steps.map((x) => x.step)).toEqual(["case.submitted", "case.forwarded", "case.received"]);
    expect(steps[2]!.reports.map((r) => r.node)).toEqual(["quanzhou", "xiamen"]);
  });

  it("when a pair has a case in its home queue, then its latency is window → queue and stages are timed", () => {
    const stats = pairStats([{ summary: summariseCase(history)!, records: history }], ["xiamen", "quanzhou"], at(60), 3_600_000);
    const xq = stats.find((p) => p.from === "xiamen" && p.to === "quanzhou")!;
    expect(xq.inFlight).toEqual({ RECEIVED_BY_HOME: 1 });
    expect(xq.latencyMs).toMatchObject({ count: 1, p50: 5_000 });
    expect(xq.stages).toEqual([
      { state: "SUBMITTED", durationMs: { count: 1, p50: 10_000, p95: 10_000, p99: 10_000 } },
      { state: "FORWARDED", durationMs: { count: 1, p50: 10_000, p95: 10_000, p99: 10_000 } },
    ]);
    expect(stats.find((p) => p.from === "quanzhou")!.inFlightTotal).toBe(0);
    expect(
      pairStats([{ summary: summariseCase(history)!, records: history }], ["xiamen", "quanzhou"], at(7200), 60_000)[0]!.latencyMs.count,
    ).toBe(0);
  });

  it("when a paper-only case is summarised, then it has no scans and no electronic acceptance", () => {
    const s = summariseCase(history)!;
    expect(s.scans).toBeUndefined();
    expect(s.acceptedOnElectronicCopies).toBeUndefined();
  });

  const scans = { scansCited: 3 };
  const checked = { ...scans, scansCheckedAt: at(45), scansVerified: 3, scansMismatched: 0 };
  const scanned = history.map((r) => ({ ...r, ...scans }));
  const checkStep = [
    rec("case.scans_checked", "RECEIVED_BY_HOME", 4, "quanzhou", 45, checked),
    rec("case.scans_checked", "RECEIVED_BY_HOME", 4, "xiamen", 47, checked),
  ];
  const accepted = [
    rec("case.accepted", "ACCEPTED", 5, "quanzhou", 50, { ...checked, acceptedOnElectronicCopies: true }),
    rec("case.accepted", "ACCEPTED", 5, "xiamen", 52, { ...checked, acceptedOnElectronicCopies: true }),
  ];

  it("when the case cites scans and none has been checked, then its scans are pending", () => {
    expect(summariseCase(scanned)!.scans).toEqual({ cited: 3, verified: 0, mismatched: 0, state: "pending" });
  });

  it("when the home node checked every scan and all matched, then they are verified with the check time, in any order and with duplicates", () => {
    const s = summariseCase([...scanned, ...checkStep])!;
    expect(s.scans).toEqual({ cited: 3, checkedAt: at(45), verified: 3, mismatched: 0, state: "verified" });
    expect(s.lastStep).toBe("case.scans_checked");
    expect(s.state).toBe("RECEIVED_BY_HOME");
    expect(summariseCase([...checkStep, ...scanned].reverse())!.scans).toEqual(s.scans);
    expect(summariseCase([checkStep[1]!, ...scanned, checkStep[1]!, checkStep[0]!])!.scans).toEqual(s.scans);
  });

  it("when a scan did not match its digest, then the scans are a mismatch with the counts", () => {
    const bad = { ...scans, scansCheckedAt: at(45), scansVerified: 1, scansMismatched: 2 };
    const s = summariseCase([...scanned, rec("case.scans_checked", "RECEIVED_BY_HOME", 4, "xiamen", 47, bad)])!;
    expect(s.scans).toEqual({ cited: 3, checkedAt: at(45), verified: 1, mismatched: 2, state: "mismatch" });
  });

  it("when the case was accepted on its electronic copies, then the summary says so, whichever node's record comes first", () => {
    const s = summariseCase([...accepted].reverse().concat(scanned, checkStep))!;
    expect(s).toMatchObject({ state: "ACCEPTED", acceptedOnElectronicCopies: true, scans: { state: "verified", verified: 3 } });
    expect(summariseCase([...scanned, ...checkStep, accepted[1]!])!.acceptedOnElectronicCopies).toBe(true);
    expect(summariseCase([...scanned, ...checkStep])!.acceptedOnElectronicCopies).toBeUndefined();
  });

  it("when percentiles are taken, then they are nearest-rank values of the sample", () => {
    expect(percentiles([5, 1, 4, 2, 3, 6, 7, 8, 9, 10])).toEqual({ count: 10, p50: 5, p95: 10, p99: 10 });
    expect(percentiles([])).toEqual({ count: 0, p50: null, p95: null, p99: null });
  });
});
