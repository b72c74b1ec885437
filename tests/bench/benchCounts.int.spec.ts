import { describe, expect, it, inject } from "vitest";
import { runExchangeBench } from "../../bench/exchangeLoad";

describe("the benchmark's load through the real exchange", () => {
  it(
    "when cases are submitted at full speed between all cities, then every acknowledged case is queued once",
    { timeout: 240_000 },
    async () => {
      const result = await runExchangeBench({
        brokers: inject("kafkaBrokers"),
        mongoUri: inject("mongoUri"),
        prefix: `tbench${Date.now().toString(36)}`,
        phaseMs: 3_000,
        concurrency: 16,
        progress: () => undefined,
      });
      expect(result.counts.submitted).toBeGreaterThan(0);
      expect(result.counts).toEqual({ submitted: result.counts.submitted, queued: result.counts.submitted, duplicates: 0, lost: 0 });
      for (const phase of result.phases) {
        expect(phase.visible).toBe(phase.submitted);
        expect(phase.errors).toBe(0);
      }
      expect(result.processes.map((p) => p.name).sort()).toEqual(["node-quanzhou", "node-xiamen", "node-zhangzhou"]);
    },
  );
});
