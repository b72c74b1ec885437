import { describe, expect, it, inject } from "vitest";
import { runExchangeBench } from "../../bench/exchangeLoad";
import type { Templates } from "../../bench/prefill";

describe("the benchmark's load through the real exchange", () => {
  let templates: Templates | undefined;
  it(
    "when cases are submitted at full speed between all cities, then every acknowledged case is queued once",
    { timeout: 240_000 },
    async () => {
      const result = await runExchangeBench({
        kafka: inject("kafkaAccess"),
        mongoUri: inject("mongoUri"),
        prefix: `tbench${Date.now().toString(36)}`,
        phaseMs: 3_000,
        concurrency: 16,
        progress: () => undefined,
        onTemplates: (t) => (templates = t),
      });
      expect(result.counts.submitted).toBeGreaterThan(0);
      expect(result.counts).toEqual({ submitted: result.counts.submitted, queued: result.counts.submitted, duplicates: 0, lost: 0 });
      for (const phase of result.phases) {
        expect(phase.visible).toBe(phase.submitted);
        expect(phase.errors).toBe(0);
      }
      expect(result.processes.map((p) => p.name).sort()).toEqual([
        "certs-quanzhou",
        "certs-xiamen",
        "certs-zhangzhou",
        "node-quanzhou",
        "node-xiamen",
        "node-zhangzhou",
      ]);
      // Half the cases cite certificates of their applicant, each answered by the issuing city's registry:
      // valid, or expired or revoked as some demo certificates are; never unanswered or another holder's.
      expect(result.withCertificates).toBeCloseTo(0.5, 1);
      expect(result.certificateChecks.cases).toBeGreaterThan(0);
      expect(result.certificateChecks.outcomes.VALID).toBeGreaterThan(0);
      expect(Object.keys(result.certificateChecks.outcomes).filter((o) => !["VALID", "EXPIRED", "REVOKED"].includes(o))).toEqual([]);
      // A case is at least two records and two rows (there and back); CPU is accounted per process.
      expect(result.perCase.kafkaRecords).toBeGreaterThanOrEqual(2);
      expect(result.perCase.storeRows).toBeGreaterThanOrEqual(2);
      expect(Object.keys(result.phases[0]!.cpuMsPerCase)).toContain("certs-xiamen");
    },
  );

  it(
    "when the stores are filled with cloned cases first (the growth run), then the nodes start on the filled stores and the counts are of the run's own cases",
    { timeout: 240_000 },
    async () => {
      expect([...templates!.values()].map((t) => t.map((c) => c.doc.role).sort())).toEqual([
        ["home", "receiving"],
        ["home", "receiving"],
        ["home", "receiving"],
      ]);
      const result = await runExchangeBench({
        kafka: inject("kafkaAccess"),
        mongoUri: inject("mongoUri"),
        prefix: `tgrow${Date.now().toString(36)}`,
        phaseMs: 2_000,
        concurrency: 16,
        progress: () => undefined,
        prefill: { perCity: 300, templates: templates! },
      });
      expect(result.prefill.perCity).toBe(300);
      expect(result.counts.submitted).toBeGreaterThan(0);
      expect(result.counts).toEqual({ submitted: result.counts.submitted, queued: result.counts.submitted, duplicates: 0, lost: 0 });
      expect(Object.keys(result.startupSeconds).sort()).toEqual(["quanzhou", "xiamen", "zhangzhou"]);
      // Store rows are the run's own: the clones' rows are not counted against its cases.
      expect(result.perCase.storeRows).toBeLessThan(30);
    },
  );
});
