import { describe, expect, it } from "vitest";
import type { CaseSummary } from "./caseSummary";
import { pairSeries } from "./pairSeries";

const now = new Date("2026-03-02T02:30:00Z");
const at = (minutesAgo: number) => new Date(now.getTime() - minutesAgo * 60_000);
const delivered = (from: string, to: string, minutesAgo: number, latencyMs: number) =>
  ({
    receivingNode: from,
    homeNode: to,
    submittedAt: new Date(at(minutesAgo).getTime() - latencyMs),
    inHomeQueueAt: at(minutesAgo),
    problems: [],
  }) as unknown as CaseSummary;

describe("pairSeries", () => {
  it("when cases reached their home queues at different times, then each pair's deliveries and median latency land in their buckets; older ones are left out", () => {
    const r = pairSeries(
      [
        delivered("xiamen", "quanzhou", 0.5, 100),
        delivered("xiamen", "quanzhou", 0.7, 300),
        delivered("xiamen", "quanzhou", 0.9, 200),
        delivered("xiamen", "quanzhou", 25, 50),
        delivered("quanzhou", "xiamen", 2.5, 80),
        delivered("quanzhou", "xiamen", 90, 80),
      ],
      ["xiamen", "quanzhou"],
      now,
      30 * 60_000,
    );
    expect(r.bucketMs).toBe(60_000);
    expect(r.bucketStarts).toHaveLength(30);
    expect(r.bucketStarts.at(-1)! + r.bucketMs).toBe(now.getTime());
    const xq = r.pairs.find((p) => p.from === "xiamen" && p.to === "quanzhou")!;
    expect(xq.delivered.at(-1)).toBe(3);
    expect(xq.p50Ms.at(-1)).toBe(200);
    expect(xq.delivered[5]).toBe(1); // 25 minutes ago: the sixth one-minute bucket of thirty
    expect(xq.delivered.reduce((a, b) => a + b, 0)).toBe(4);
    const qx = r.pairs.find((p) => p.from === "quanzhou" && p.to === "xiamen")!;
    expect(qx.delivered.reduce((a, b) => a + b, 0)).toBe(1);
    expect(qx.p50Ms.filter((v) => v === null)).toHaveLength(29);
  });
});
