import type { CaseSummary } from "./caseSummary";
import { percentiles } from "./percentiles";

/** Deliveries of one directed city pair over time: per bucket, how many reached the home queue and their median latency. */
export interface PairSeries {
  from: string;
  to: string;
  /** Cases that reached the home queue in each bucket. */
  delivered: number[];
  /** Median latency (accepted at the window → in the home queue) of those, in ms; null for an empty bucket. */
  p50Ms: (number | null)[];
}

export interface SeriesReport {
  /** Start of each bucket, ms since the epoch (the last bucket ends at `now`). */
  bucketStarts: number[];
  bucketMs: number;
  pairs: PairSeries[];
}

/** Per directed pair of `nodeIds`: deliveries and median latency in `buckets` equal buckets over `windowMs` before `now`. */
export function pairSeries(
  summaries: Iterable<CaseSummary>,
  nodeIds: readonly string[],
  now: Date,
  windowMs: number,
  buckets = 30,
): SeriesReport {
  const bucketMs = Math.max(1_000, Math.ceil(windowMs / buckets));
  const start = now.getTime() - bucketMs * buckets;
  const lat = new Map<string, number[][]>();
  for (const from of nodeIds)
    for (const to of nodeIds)
      if (from !== to)
        lat.set(
          `${from}>${to}`,
          Array.from({ length: buckets }, () => []),
        );
  for (const s of summaries) {
    if (!s.submittedAt || !s.inHomeQueueAt) continue;
    const i = Math.floor((s.inHomeQueueAt.getTime() - start) / bucketMs);
    if (i < 0 || i >= buckets) continue;
    lat.get(`${s.receivingNode}>${s.homeNode}`)?.[i]!.push(Math.max(0, s.inHomeQueueAt.getTime() - s.submittedAt.getTime()));
  }
  return {
    bucketStarts: Array.from({ length: buckets }, (_, i) => start + i * bucketMs),
    bucketMs,
    pairs: [...lat].map(([key, perBucket]) => {
      const [from = "", to = ""] = key.split(">");
      return {
        from,
        to,
        delivered: perBucket.map((l) => l.length),
        p50Ms: perBucket.map((l) => (l.length > 0 ? percentiles(l).p50 : null)),
      };
    }),
  };
}
